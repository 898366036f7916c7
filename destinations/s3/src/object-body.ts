import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { DeliveryPayload } from "@tributary/core/contracts";
import { PAYLOAD_VERSION } from "./object-keys.ts";

const gzipAsync = promisify(gzipCallback);

/**
 * A record as a Terra payload of its own, so every object reads like the webhook it replaces:
 * `{type, user, data: [record], version}`, or `{type: "athlete", user, athlete, version}`.
 */
export function singleRecordPayload(payload: DeliveryPayload, record: Record<string, unknown>): DeliveryPayload {
  const version = typeof payload.version === "string" ? payload.version : PAYLOAD_VERSION;
  if (payload.type === "athlete") return { type: "athlete", user: payload.user, athlete: record, version };
  return { type: payload.type, user: payload.user, data: [record], version };
}

export async function encodeBody(payload: DeliveryPayload, gzip: boolean): Promise<Buffer> {
  const json = Buffer.from(JSON.stringify(payload), "utf8");
  return gzip ? gzipAsync(json) : json;
}
