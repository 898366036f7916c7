import type { ProviderRequest } from "../provider-http/transport.ts";

/** What recordings compare of a request: method, decoded path, query, and the fields of a form or JSON-object body. */
export interface RequestParts {
  method: ProviderRequest["method"];
  path: string;
  query: URLSearchParams;
  /** Undefined when the body is neither a form nor a JSON object. */
  bodyFields?: Record<string, unknown>;
  /** Form bodies: every value of a field, for repeated fields. */
  formValues?: URLSearchParams;
}

export function requestParts(request: Pick<ProviderRequest, "method" | "url" | "headers" | "body">): RequestParts {
  const url = new URL(request.url);
  const parts: RequestParts = { method: request.method, path: decodePath(url.pathname), query: url.searchParams };
  const body = request.body === undefined ? undefined : typeof request.body === "string" ? request.body : Buffer.from(request.body).toString("utf8");
  if (body === undefined || body === "") return parts;
  const type = (request.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(body);
    return { ...parts, formValues: form, bodyFields: Object.fromEntries(form) };
  }
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return { ...parts, bodyFields: parsed as Record<string, unknown> };
  } catch {
    // Neither a form nor JSON: nothing in it can be compared.
  }
  return parts;
}

/** Percent-decoded path, segment by segment (an encoded "/" stays encoded). */
export function decodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment).replaceAll("/", "%2F");
      } catch {
        return segment;
      }
    })
    .join("/");
}
