import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderRequest, ProviderResponse, ProviderTransport } from "../provider-http/transport.ts";
import { bodyFromFile } from "./exchange-body.ts";
import type { RecordingSet } from "./load-recordings.ts";
import { createRecordingMatcher } from "./match-recording.ts";
import { decodePath, requestParts } from "./request-parts.ts";
import { createScrubber } from "./scrub.ts";

/**
 * A provider transport that answers from a recordings folder and never touches the network: each request
 * gets the recorded response that matches it (see `createRecordingMatcher` for the precedence), or fails
 * with ERR_RECORDING_MISSING naming the request and the nearest recordings.
 */
export function recordedTransport(recordings: RecordingSet): ProviderTransport {
  const matcher = createRecordingMatcher(recordings.files);
  return async (request) => {
    request.signal?.throwIfAborted();
    const parts = requestParts(request);
    const found = matcher.match(parts);
    if (!found) throw missing(recordings, request, matcher.nearMisses(parts));
    const { response } = found.exchange;
    const body = bodyFromFile(response);
    if (body.length > request.maxResponseBytes) {
      throw new UserError(ErrorCodes.PROVIDER_BAD_RESPONSE, `the recorded answer ${found.file} is ${body.length} bytes, more than the ${request.maxResponseBytes} allowed`, {
        hint: "Raise http.maxResponseBytes in the connector spec if the provider really answers this much.",
      });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
    if (headers["content-type"] === undefined && response.body !== undefined && typeof response.body !== "string") headers["content-type"] = "application/json";
    return { status: response.status, headers, body } satisfies ProviderResponse;
  };
}

function missing(recordings: RecordingSet, request: ProviderRequest, near: Array<{ file: string; differences: string[] }>): UserError {
  // The request may carry credentials in its query (Strava's deauthorize); the message must not.
  const scrubber = createScrubber();
  scrubber.learnHeaders(request.headers);
  const url = new URL(request.url);
  const query = Object.entries(scrubber.query(url.searchParams))
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one) => `${name}=${one}`))
    .join("&");
  const described = `${request.method} ${decodePath(url.pathname)}${query ? `?${query}` : ""}`;
  const nearest = near.slice(0, 3).map((miss) => `${miss.file} (${miss.differences.join("; ")})`);
  return new UserError(ErrorCodes.RECORDING_MISSING, `no recording answers ${described} (${recordings.files.length} recordings in ${recordings.dir})`, {
    hint: nearest.length > 0
      ? `Recordings for this path differ: ${nearest.join(", ")}. Record the exchange again or add a file for it (docs/recordings.md).`
      : "Record the exchange (a recording transport over a live one) or add a file for it (docs/recordings.md).",
    details: { method: request.method, path: url.pathname, dir: recordings.dir },
  });
}
