import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { isIsoDateOrDateTime, isIsoDateTime } from "@tributary/schemas";

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

export interface CheckedResponse {
  method: string;
  url: string;
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Checks answers against the server's own OpenAPI document: the document must be valid OpenAPI 3.1, and
 * every /v2 answer must be one it declares — a documented path and method, a declared status, a declared
 * content type, a body its schema accepts. Records which operations were seen, so a suite can require
 * that it called every one.
 */
export async function openApiChecker(document: unknown) {
  const validity = await new Validator().validate(document as never);
  if (!validity.valid) throw new Error(`the OpenAPI document is invalid: ${JSON.stringify(validity.errors).slice(0, 2000)}`);
  const doc = document as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  ajv.addFormat("iso-date-time", isIsoDateTime);
  ajv.addFormat("iso-date-or-date-time", isIsoDateOrDateTime);
  ajv.addSchema(document as object, "openapi.json");
  const compiled = new Map<string, ValidateFunction>();
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  const seen = new Set<string>();

  const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

  return {
    /** Throws, saying what does not match, unless the answer is one the document declares. */
    check(response: CheckedResponse): void {
      const path = response.url.split("?")[0]!;
      const found = templates.find(({ pattern }) => pattern.test(path));
      const method = response.method.toLowerCase();
      const operation = found && doc.paths[found.template]?.[method];
      if (!found || !operation) throw new Error(`${response.method} ${path} is not in the OpenAPI document`);
      seen.add(`${method} ${found.template}`);
      const status = String(response.statusCode);
      const declared = operation.responses[status] ?? operation.responses.default;
      if (!declared)
        throw new Error(
          `${response.method} ${path} answered ${status}, which the document does not declare (it has ${Object.keys(operation.responses).join(", ")})`,
        );
      const contentType = String(response.headers["content-type"] ?? "")
        .split(";")[0]!
        .trim();
      const content = declared.content?.[contentType];
      if (!content)
        throw new Error(
          `${response.method} ${path} ${status} answered ${contentType || "no content type"}; declared: ${Object.keys(declared.content ?? {}).join(", ")}`,
        );
      const key = `${found.template} ${method} ${status} ${contentType}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile({
          $ref: `openapi.json#/${pointer("paths", found.template, method, "responses", operation.responses[status] ? status : "default", "content", contentType, "schema")}`,
        });
        compiled.set(key, validate);
      }
      const body = JSON.parse(response.body) as unknown;
      if (!validate(body)) {
        throw new Error(
          `${response.method} ${response.url} ${status}: the body does not match the document: ${ajv.errorsText(validate.errors, { separator: "; " }).slice(0, 1500)}\n${response.body.slice(0, 500)}`,
        );
      }
    },
    /** Operations of the document no checked answer came from. */
    unseen(): string[] {
      const all = Object.entries(doc.paths).flatMap(([template, methods]) => Object.keys(methods).map((method) => `${method} ${template}`));
      return all.filter((operation) => !seen.has(operation));
    },
  };
}
