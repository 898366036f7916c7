import type { RecordedExchange } from "@tributary/schemas";

type RecordedResponse = RecordedExchange["response"];

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;
const TEXT_TYPE = /^(text\/|application\/([\w.+-]+\+)?(xml|x-www-form-urlencoded|javascript|csv)\b)/i;

export const isJsonType = (contentType: string | undefined): boolean => JSON_TYPE.test(contentType ?? "");

/**
 * How a response body is kept in a recording, readable where it can be: JSON as JSON (as the connector
 * would parse it), text as a string, anything else (FIT files) as base64.
 */
export function bodyForFile(bytes: Buffer, contentType: string | undefined): Pick<RecordedResponse, "body" | "bodyBase64"> {
  if (bytes.length === 0) return {};
  const text = utf8(bytes);
  if (text !== undefined && isJsonType(contentType)) {
    try {
      const parsed: unknown = JSON.parse(text);
      // A JSON string stays text: a string `body` is the raw text of the answer.
      return typeof parsed === "string" ? { body: text } : { body: parsed };
    } catch {
      return { body: text };
    }
  }
  if (text !== undefined && (TEXT_TYPE.test(contentType ?? "") || contentType === undefined || !/[\u0000-\u0008\u000e-\u001f]/.test(text))) return { body: text };
  return { bodyBase64: bytes.toString("base64") };
}

/** The bytes a recorded response answers with. */
export function bodyFromFile(response: RecordedResponse): Buffer {
  if (response.bodyBase64 !== undefined) return Buffer.from(response.bodyBase64, "base64");
  if (response.body === undefined) return Buffer.alloc(0);
  if (typeof response.body === "string") return Buffer.from(response.body, "utf8");
  return Buffer.from(JSON.stringify(response.body), "utf8");
}

function utf8(bytes: Buffer): string | undefined {
  const text = bytes.toString("utf8");
  return Buffer.byteLength(text, "utf8") === bytes.length && !text.includes("\uFFFD") ? text : undefined;
}
