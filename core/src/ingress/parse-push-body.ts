import secureJson from "secure-json-parse";
import { parseFormBody } from "./parse-form-body.ts";

/**
 * Deepest nesting a push body may have. Provider payloads are a handful of levels deep (batch →
 * notification → records → samples); thousands of levels only serve to overflow the stack of whatever
 * walks the value next (serializing the job, validating, storing).
 */
export const MAX_PUSH_DEPTH = 64;

export type ParsedPushBody = { ok: true; body: unknown } | { ok: false; reason: string };

/**
 * A push body as JSON, refused when it never could be processed: not JSON, nested deeper than
 * `maxDepth`, or carrying `__proto__` keys (or `constructor.prototype`), which would rewrite an object's
 * prototype wherever the value is later merged into another.
 */
export function parsePushBody(raw: Buffer, maxDepth = MAX_PUSH_DEPTH): ParsedPushBody {
  if (nestingExceeds(raw, maxDepth)) return { ok: false, reason: `body is nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, body: secureJson.parse(raw.toString("utf8"), null, { protoAction: "error", constructorAction: "error" }) };
  } catch (error) {
    return {
      ok: false,
      reason: (error as Error).message.includes("prototype") ? "body carries a forbidden __proto__ or constructor.prototype key" : "body is not valid JSON",
    };
  }
}

/** A push body decoded as its webhook declares (`webhook.body`): JSON, or form-encoded fields. */
export function decodePushBody(raw: Buffer, encoding: "json" | "form" = "json"): ParsedPushBody {
  return encoding === "form" ? parseFormBody(raw) : parsePushBody(raw);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** One pass over the bytes, before any parsing: brackets outside strings, counted. */
function nestingExceeds(bytes: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return false;
}
