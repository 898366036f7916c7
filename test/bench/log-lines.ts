/**
 * `pnpm bench:log`: how long the logger takes to write one JSON line of the shapes
 * Tributary logs (its secret scrubbing included), to a sink that drops the bytes. Prints the median of several
 * rounds per shape, in CPU time; asserts nothing. Compare two versions of the logger by running it on each.
 */
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { createLogger } from "@tributary/core/log";
import { fmt, percentile } from "./percentiles.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "50000" }, rounds: { type: "string", default: "7" } } });
const lines = Math.max(1000, Number(values.lines));
const rounds = Math.max(3, Number(values.rounds));

const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const log = createLogger({ level: "info", destination: sink, format: "json" });
const child = log.child({
  traceId: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
  provider: "GARMIN",
  dataType: "daily",
  userId: "c9bf9e57-1685-4c89-bafb-ff5af830be8a",
});

const cause = Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:443"), { code: "ECONNREFUSED" });
const failure = Object.assign(new Error("GET https://apis.example/wellness-api/rest/dailies?uploadStartTimeInSeconds=1&token=abc123 failed", { cause }), {
  status: 503,
  request: {
    method: "GET",
    url: "https://apis.example/wellness-api/rest/dailies",
    headers: { authorization: "Bearer abcdefghijklmnop", accept: "application/json" },
  },
});
const ping = {
  summaryId: "x15372ea-65e8c5c0",
  userId: "4aacafe82427c251df9c9592d0c06768",
  userAccessToken: "8f57a6f1-1a8a-4e1f-9b44-8d5c4b0b5c6e",
  callbackURL: "https://apis.example/wellness-api/rest/dailies?uploadStartTimeInSeconds=1&uploadEndTimeInSeconds=2&token=xyz",
};

const shapes: Record<string, () => void> = {
  "flat fields and a message": () => log.info({ queue: "deliver", destination: "my-app", jobId: "1234", attempt: 2 }, "delivery failed; will retry"),
  "child logger, a few fields": () => child.info({ records: 12, payloads: 1 }, "slice published"),
  "an error with a cause and a request": () => log.warn({ provider: "GARMIN", err: failure }, "provider request failed"),
  "a provider push, nested": () => log.warn({ job: { data: { notifications: [{ provider: "GARMIN", notification: ping }] } } }, "push not handled"),
};

console.log(`log lines: ${lines} per round, median of ${rounds} rounds, Node ${process.version}`);
for (const [label, write] of Object.entries(shapes)) {
  for (let i = 0; i < 2000; i++) write(); // warm-up
  const perLine: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // CPU time, not wall time: other processes on a shared machine do not count against the logger.
    const start = process.cpuUsage();
    for (let i = 0; i < lines; i++) write();
    const used = process.cpuUsage(start);
    perLine.push((used.user + used.system) / lines);
  }
  console.log(`  ${label.padEnd(40)} ${fmt(percentile(perLine, 50), 2).padStart(8)} µs CPU/line`);
}
