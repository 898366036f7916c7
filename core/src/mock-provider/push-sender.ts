import { createHmac } from "node:crypto";
import type { VerifySpec } from "@tributary/schemas";
import { signTerraPayload } from "../contracts/terra-signature.ts";
import { setPointer } from "./set-pointer.ts";

export interface PushOptions {
  verify: VerifySpec;
  /** Body encoding (the webhook spec's `body`). @default "json" */
  encoding?: "json" | "form";
  /**
   * The notification: a value to encode, or the exact bytes to send (a provider's own spelling of
   * JSON; a token-in-body scheme then needs the token already inside).
   */
  payload: unknown;
  secret: string;
  /** When the provider signs, epoch milliseconds (a stale push: an old time). @default now */
  now?: number;
  /** Oura writes its hex digest in upper case. @default "lower" */
  hexCase?: "lower" | "upper";
  /** More headers the provider sends (Polar-Webhook-Event, a user agent). */
  headers?: Record<string, string>;
}

export interface SignedPush {
  body: Buffer;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parameters to add to the callback URL (token in the query). */
  query: Record<string, string>;
}

const CONTENT_TYPE = { json: "application/json", form: "application/x-www-form-urlencoded" } as const;

/**
 * A push as the provider would send it, signed in the scheme the connector spec declares: Terra's
 * `t=…,v1=…`, an HMAC of [timestamp +] the raw body (any algorithm, hex or base64, prefix, key suffix,
 * timestamp in seconds, milliseconds or ISO-8601), a shared token in the body, a header or the query,
 * or nothing.
 */
export function signPush(options: PushOptions): SignedPush {
  const encoding = options.encoding ?? "json";
  const verify = options.verify;
  const now = options.now ?? Date.now();
  let payload = options.payload;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = { "content-type": CONTENT_TYPE[encoding] };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;

  if (verify.scheme === "token") {
    if (verify.in === "body") {
      if (typeof payload === "string" || Buffer.isBuffer(payload)) throw new TypeError("a token-in-body push needs a payload value, not raw bytes");
      payload = setPointer(structuredClone(payload), verify.name.startsWith("/") ? verify.name : `/${verify.name}`, options.secret);
    } else if (verify.in === "header") {
      headers[verify.name.toLowerCase()] = options.secret;
    } else {
      query[verify.name] = options.secret;
    }
  }
  const body = encodeBody(payload, encoding);

  if (verify.scheme === "terra") {
    headers[verify.header.toLowerCase()] = signTerraPayload(options.secret, body, Math.floor(now / 1000));
  } else if (verify.scheme === "hmac") {
    const timestamp = verify.timestampHeader ? timestampText(now, verify.timestampUnit ?? "seconds") : "";
    if (verify.timestampHeader) headers[verify.timestampHeader.toLowerCase()] = timestamp;
    const key = options.secret + (verify.keySuffix ?? "");
    let digest = createHmac(verify.algorithm, key).update(timestamp).update(body).digest(verify.encoding);
    if (verify.encoding === "hex" && options.hexCase === "upper") digest = digest.toUpperCase();
    headers[verify.header.toLowerCase()] = `${verify.prefix ?? ""}${digest}`;
  }
  return { body, headers, query };
}

export interface PushResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * Whether the provider counts the push as delivered: the callback answered the status it documents
   * (`webhook.acknowledge`). Any other answer, a 2xx included, is a failed delivery to the provider:
   * retried, and held against the subscriber (Fitbit disables one that keeps failing).
   */
  delivered: boolean;
}

export interface SendPushOptions {
  method?: string;
  signal?: AbortSignal;
  /** The status the provider counts as delivered (`acknowledgement(webhook).status`). @default 200 */
  acknowledgeStatus?: number;
}

/** POSTs a signed push to a callback URL (any query the push carries is added to it). */
export async function sendPush(
  url: string,
  push: SignedPush,
  { method = "POST", signal, acknowledgeStatus = 200 }: SendPushOptions = {},
): Promise<PushResponse> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(push.query)) target.searchParams.set(name, value);
  const response = await fetch(target, { method, headers: push.headers, body: push.body, ...(signal ? { signal } : {}) });
  const body = await response.text();
  return { status: response.status, headers: Object.fromEntries(response.headers), body, delivered: response.status === acknowledgeStatus };
}

export function timestampText(epochMs: number, unit: "seconds" | "ms" | "iso"): string {
  if (unit === "ms") return String(Math.floor(epochMs));
  if (unit === "iso") return new Date(epochMs).toISOString();
  return String(Math.floor(epochMs / 1000));
}

function encodeBody(payload: unknown, encoding: "json" | "form"): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === "string") return Buffer.from(payload, "utf8");
  if (encoding === "json") return Buffer.from(JSON.stringify(payload), "utf8");
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new TypeError("a form-encoded push needs an object of fields");
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(payload)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && typeof item === "object") throw new TypeError(`form field "${name}" is not a plain value`);
      if (item !== undefined) form.append(name, item === null ? "" : String(item));
    }
  }
  return Buffer.from(form.toString(), "utf8");
}
