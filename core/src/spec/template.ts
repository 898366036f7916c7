import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { compilePointer } from "./pointer.ts";

/**
 * Templates in connector specs: text with `{placeholder}`s, compiled once. A placeholder is a variable
 * name (`{provider_user_id}`, `{record.ride.id}`, `{options.region}`) or a JSON pointer into the current
 * document (`{/object_type}`, used by webhook event types). `{{` and `}}` are literal braces.
 *
 * Variables a scope offers (see `TemplateScope`): connection (`user_id`, `provider_user_id`,
 * `reference_id`), window (`start`, `end`, rendered in the stream's date format), `record.<path>` (detail
 * requests), `object_id`, operator settings (`client_id`, `options.<name>`), `webhook_url`, `access_token`.
 */
export interface CompiledTemplate {
  readonly source: string;
  /** Variable names and pointers it reads, for checking a spec at load time. */
  readonly variables: readonly string[];
  /** True when the text has no placeholder. */
  readonly constant: boolean;
  render(scope: TemplateScope, encode?: (value: string) => string): string;
}

/** Resolves a variable name; undefined when the scope has no such variable. */
export type TemplateScope = (name: string, document?: unknown) => unknown;

type Part = string | { name: string; pointer?: (document: unknown) => unknown };

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$/;

export function compileTemplate(source: string): CompiledTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(source.slice(last, index));
    last = index + match[0].length;
    if (match[0] === "{{") {
      parts.push("{");
      continue;
    }
    if (match[0] === "}}") {
      parts.push("}");
      continue;
    }
    const name = (match[1] ?? "").trim();
    if (name.startsWith("/")) parts.push({ name, pointer: compilePointer(name) });
    else if (NAME.test(name)) parts.push({ name });
    else throw templateError(source, `"{${match[1]}}" is not a variable name or a JSON pointer`);
  }
  if (last < source.length) parts.push(source.slice(last));
  const unmatched = parts.find((p) => typeof p === "string" && /[{}]/.test(p) && p !== "{" && p !== "}");
  if (unmatched !== undefined) throw templateError(source, "unbalanced brace (write {{ or }} for a literal one)");

  const variables = parts.flatMap((p) => (typeof p === "string" ? [] : [p.name]));
  const constantText = variables.length === 0 ? parts.join("") : undefined;
  return {
    source,
    variables,
    constant: constantText !== undefined,
    render(scope, encode = (v) => v) {
      if (constantText !== undefined) return constantText;
      let out = "";
      for (const part of parts) {
        if (typeof part === "string") {
          out += part;
          continue;
        }
        const value = part.pointer ? part.pointer(scope("document")) : scope(part.name);
        if (value === undefined)
          throw new UserError(ErrorCodes.TEMPLATE_VARIABLE, `Template "${source}" needs {${part.name}}, which is not available here`, {
            hint: "Check the placeholder's name in the connector spec; see the list of variables in docs/connectors.md.",
          });
        out += encode(stringify(value));
      }
      return out;
    },
  };
}

function stringify(value: unknown): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function templateError(source: string, problem: string): UserError {
  return new UserError(ErrorCodes.SPEC_INVALID, `Template ${JSON.stringify(source)}: ${problem}`, { hint: "Fix the template in the connector spec." });
}
