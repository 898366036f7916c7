import type { ConnectorSpec } from "@tributary/schemas";
import { isTributaryError } from "../errors/tributary-error.ts";
import { parseExpression } from "../mapping/expression/compile-expression.ts";
import { requestTemplates, specRequests, specStreams } from "./checks/spec-parts.ts";
import { specPath } from "./spec-problem.ts";
import { compileTemplate } from "./template.ts";

const PROVIDER_USER_ID = "provider_user_id";
/** Keys whose text is an expression: a mapping's `expr`, a stream's `filter`, a detail's `when`. */
const EXPRESSION_KEYS = new Set(["expr", "filter", "when"]);

/**
 * Where a connector's pull reads the provider's id of the user — `{provider_user_id}` in a stream's or a
 * detail's request or in recordFields, `$connection.provider_user_id` in an expression of its streams or
 * mappings — or undefined when it reads it nowhere: what a pull without that id (a run over recordings
 * that name no user) cannot do. The spec only: a TypeScript hook that reads it is not seen.
 */
export function whereProviderUserIdIsRead(spec: ConnectorSpec): string | undefined {
  for (const { request, path, context } of specRequests(spec)) {
    if (context !== "stream" && context !== "detail") continue;
    const found = requestTemplates(request, path).find(({ text }) => templateReads(text));
    if (found) return specPath(found.path);
  }
  for (const { stream, path } of specStreams(spec)) {
    for (const [name, text] of Object.entries(stream.recordFields ?? {})) if (templateReads(text)) return specPath([...path, "recordFields", name]);
  }
  for (const [part, parts] of [
    ["streams", spec.streams],
    ["mappings", spec.mappings],
  ] as const) {
    for (const [name, value] of Object.entries(parts ?? {})) if (expressionsRead(value)) return `${part}.${name}`;
  }
  return undefined;
}

function templateReads(text: string): boolean {
  try {
    return compileTemplate(text).variables.includes(PROVIDER_USER_ID);
  } catch (error) {
    // A template that does not compile is the spec check's to report.
    if (isTributaryError(error)) return false;
    throw error;
  }
}

/** Whether an expression anywhere inside `value` reads `$connection.provider_user_id`. */
function expressionsRead(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(expressionsRead);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, inner]) => {
    if (typeof inner !== "string") return expressionsRead(inner);
    if (!EXPRESSION_KEYS.has(key)) return false;
    const parsed = parseExpression(inner, { trusted: true });
    return parsed.ok && parsed.expression.connectionFields.has(PROVIDER_USER_ID);
  });
}
