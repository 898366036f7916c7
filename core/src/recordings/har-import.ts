import { readFile } from "node:fs/promises";
import type { RecordedExchange } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderRequest } from "../provider-http/transport.ts";
import { exchangeFromWire, learnSecrets, type WireExchange } from "./exchange-from-wire.ts";
import { createScrubber, type ScrubOptions } from "./scrub.ts";

export interface HarImportOptions extends ScrubOptions {
  /** Keep only the entries this accepts (e.g. the provider's API origin; a browser HAR has pages, fonts…). */
  include?: (url: URL) => boolean;
}

interface HarHeader { name: string; value: string }
interface HarEntry {
  startedDateTime?: string;
  request?: { method?: string; url?: string; headers?: HarHeader[]; postData?: { mimeType?: string; text?: string; params?: Array<{ name: string; value?: string }> } };
  response?: { status?: number; headers?: HarHeader[]; content?: { mimeType?: string; text?: string; encoding?: string } };
}

const METHODS = new Set<ProviderRequest["method"]>(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);

/**
 * Turns a HAR file (a browser's "Save all as HAR", a proxy's export) into recorded exchanges, oldest
 * first, with secrets scrubbed. Every entry is read for secrets before any is converted, so a token
 * first seen late in the file is also removed from the entries before it. Entries that cannot be
 * replayed are skipped: failed or blocked requests (status 0), CORS preflights, non-HTTP URLs.
 */
export async function importHar(file: string, options: HarImportOptions = {}): Promise<RecordedExchange[]> {
  let har: unknown;
  try {
    har = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new UserError(ErrorCodes.RECORDING_INVALID, `${file} is not a readable HAR file: ${(cause as Error).message}`, { cause, hint: "Export the HAR again (browser dev tools: Network → Save all as HAR)." });
  }
  const entries = (har as { log?: { entries?: unknown } }).log?.entries;
  if (!Array.isArray(entries)) throw new UserError(ErrorCodes.RECORDING_INVALID, `${file} has no log.entries: it is not a HAR file`, { hint: "Export the HAR again (browser dev tools: Network → Save all as HAR)." });

  const exchanges = (entries as HarEntry[])
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.startedDateTime ?? "") }))
    .sort((a, b) => (Number.isNaN(a.at) || Number.isNaN(b.at) ? a.index - b.index : a.at - b.at || a.index - b.index))
    .map(({ entry }) => wireExchange(entry, options.include))
    .filter((exchange): exchange is WireExchange => exchange !== undefined);
  const scrubber = createScrubber(options);
  for (const exchange of exchanges) learnSecrets(exchange, scrubber);
  return exchanges.map((exchange) => exchangeFromWire(exchange, scrubber));
}

function wireExchange(entry: HarEntry, include: ((url: URL) => boolean) | undefined): WireExchange | undefined {
  const method = entry.request?.method?.toUpperCase() as ProviderRequest["method"] | undefined;
  const status = entry.response?.status ?? 0;
  if (!method || !METHODS.has(method) || status < 100 || !entry.request?.url) return undefined;
  let url: URL;
  try {
    url = new URL(entry.request.url);
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || (include && !include(url))) return undefined;
  const requestHeaders = headerRecord(entry.request.headers);
  const postData = entry.request.postData;
  let body: string | undefined;
  if (postData) {
    if (postData.mimeType) requestHeaders["content-type"] = postData.mimeType;
    body = postData.text ?? (postData.params ? new URLSearchParams(postData.params.map((p): [string, string] => [p.name, p.value ?? ""])).toString() : undefined);
  }
  const content = entry.response?.content;
  const responseHeaders = headerRecord(entry.response?.headers);
  if (content?.mimeType && responseHeaders["content-type"] === undefined) responseHeaders["content-type"] = content.mimeType;
  const responseBody = content?.text === undefined ? Buffer.alloc(0) : Buffer.from(content.text, content.encoding === "base64" ? "base64" : "utf8");
  return {
    request: { method, url: url.toString(), headers: requestHeaders, ...(body !== undefined ? { body } : {}) },
    response: { status, headers: responseHeaders, body: responseBody },
  };
}

/** HAR headers as one lower-case record; repeats joined with ", " (set-cookie is dropped later anyway). */
function headerRecord(headers: HarHeader[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of headers ?? []) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}
