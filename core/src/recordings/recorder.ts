import type { ProviderTransport } from "../provider-http/transport.ts";
import { exchangeFromWire, learnSecrets } from "./exchange-from-wire.ts";
import { createScrubber, type ScrubOptions } from "./scrub.ts";
import { recordingWriter } from "./write-recordings.ts";

export interface RecorderOptions extends ScrubOptions {
  /** Told the file each exchange was written to. */
  onRecorded?: (file: string) => void;
}

/**
 * Wraps a live transport so that every exchange is also written to a recordings folder, secrets and
 * tokens scrubbed (see `createScrubber`). The live answer is returned as it came; the request waits for
 * its file to be written, so a run that ends has all its files.
 */
export function recordingTransport(live: ProviderTransport, dir: string, options: RecorderOptions = {}): ProviderTransport {
  const scrubber = createScrubber(options);
  const writer = recordingWriter(dir);
  return async (request) => {
    const response = await live(request);
    const exchange = { request, response };
    learnSecrets(exchange, scrubber);
    const file = await writer.write(exchangeFromWire(exchange, scrubber));
    options.onRecorded?.(file);
    return response;
  };
}
