-- wrk script for the ingest benchmark: each thread sends its own share of pre-signed requests (a
-- signature may be used once: Tributary answers a replay with 401). File: signature line, body line, ….
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local requests = {}
local next_index = 0
function init(args)
  local threads = tonumber(args[2])
  local file = assert(io.open(args[1], "r"))
  local n = 0
  while true do
    local signature = file:read("*l")
    if not signature then break end
    local body = file:read("*l")
    if n % threads == tid then
      requests[#requests + 1] = wrk.format("POST", nil, { ["content-type"] = "application/json", ["x-sandbox-signature"] = signature }, body)
    end
    n = n + 1
  end
  file:close()
end

function request()
  next_index = next_index + 1
  -- Out of fresh requests: repeat the last one; its 401 ("replayed") shows up as a non-2xx answer.
  return requests[math.min(next_index, #requests)]
end

function done(summary, latency, requests)
  io.write(string.format("WRK %d %d %d %d %d %d\n", summary.requests, summary.duration, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
