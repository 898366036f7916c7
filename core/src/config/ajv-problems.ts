import { closestName } from "@tributary/schemas";
import type { ErrorObject } from "ajv";
import { formatPath, type ConfigProblem } from "./config-error.ts";
import { toPointer, type ConfigPath, type ConfigSource } from "./config-source.ts";
import { maskUrlPassword } from "./secrets.ts";

export interface ProblemContext {
  source: ConfigSource;
  /** Where the validated data sits in the config: [] for the whole file, a destination's options path for those. */
  basePath: ConfigPath;
  /** The validated data, to tell list indexes from mapping keys in ajv's JSON pointers. */
  data: unknown;
  isSecret(path: ConfigPath): boolean;
}

/** Turns ajv errors into problems an operator can act on: a path in the file, a position and what is expected. */
export function problemsFromAjv(errors: readonly ErrorObject[], ctx: ProblemContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const error of errors) {
    const problem = describe(error, ctx);
    if (problem) problems.push(problem);
  }
  return problems;
}

function describe(error: ErrorObject, ctx: ProblemContext): ConfigProblem | undefined {
  const at = [...ctx.basePath, ...pointerSegments(error.instancePath, ctx.data)];
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const got = () => describeValue(error.data, at, ctx);
  const problem = (path: ConfigPath, message: string, key = false): ConfigProblem => ({
    path: formatPath(path),
    ...(key ? ctx.source.locateKey(path) : ctx.source.locate(path)),
    message,
  });

  if (error.propertyName !== undefined) {
    // ajv reports a bad key twice: the rule it broke (with propertyName set) and a generic wrapper.
    const path = [...at, error.propertyName];
    const rule = typeof schema.description === "string" ? sentence(schema.description) : error.message;
    return problem(path, `is not an allowed name: ${rule}`, true);
  }

  switch (error.keyword) {
    case "propertyNames":
    // "must match the then schema": the rule of the `then` branch is reported at its own place.
    case "if":
      return undefined;
    case "not":
    case "false schema":
      return problem(at, typeof schema.description === "string" ? `is not allowed here: ${sentence(schema.description, false)}` : "is not allowed here");
    case "required": {
      const missing = String(params.missingProperty);
      const properties = (schema.properties ?? {}) as Record<string, { description?: unknown }>;
      const description = properties[missing]?.description;
      const located = problem(at, "");
      return {
        ...located,
        path: formatPath([...at, missing]),
        message: `is required${typeof description === "string" ? ` (${sentence(description)})` : ""}`,
      };
    }
    case "additionalProperties": {
      const field = String(params.additionalProperty);
      const known = Object.keys((schema.properties ?? {}) as object);
      const suggestion = closestName(field, known);
      const expected = known.length > 0 ? `; expected one of: ${known.join(", ")}` : "";
      return problem([...at, field], `is not a known field${suggestion ? ` (did you mean ${suggestion}?)` : ""}${expected}`, true);
    }
    case "type":
      return problem(at, `must be ${expectedTypes(params.type)} (got ${got()})`);
    case "enum":
      return problem(at, `must be one of: ${(params.allowedValues as unknown[]).map(show).join(", ")} (got ${got()})`);
    case "const":
      return problem(at, `must be ${show(params.allowedValue)} (got ${got()})`);
    case "minLength":
      return problem(
        at,
        params.limit === 1 ? "must not be empty" : `must be at least ${String(params.limit)} characters long (got ${String((error.data as string).length)})`,
      );
    case "maxLength":
      return problem(at, `must be at most ${String(params.limit)} characters long`);
    case "minItems":
      return problem(at, params.limit === 1 ? "must list at least one item" : `must list at least ${String(params.limit)} items`);
    case "uniqueItems":
      return problem(at, `must not repeat an item (items ${String(params.j)} and ${String(params.i)} are the same)`);
    case "pattern":
      return problem(at, `${withRule(schema, `must match ${String(params.pattern)}`)} (got ${got()})`);
    case "format":
      return problem(at, `${withRule(schema, `must be a valid ${String(params.format)}`)} (got ${got()})`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "multipleOf":
      return problem(at, `${error.message ?? error.keyword} (got ${got()})`);
    case "anyOf":
      return problem(at, "must match one of the allowed shapes (see the problems reported at the same place)");
    case "oneOf":
      return problem(at, "must match exactly one of the allowed shapes");
    default:
      return problem(at, error.message ?? `breaks the "${error.keyword}" rule`);
  }
}

/** ajv's `/destinations/0/options` → ["destinations", 0, "options"], with numbers only for list indexes. */
export function pointerSegments(pointer: string, data: unknown): (string | number)[] {
  if (!pointer) return [];
  const segments: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split("/")) {
    const name = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const segment = Array.isArray(node) && /^\d+$/.test(name) ? Number(name) : name;
    segments.push(segment);
    node = node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[segment] : undefined;
  }
  return segments;
}

function describeValue(value: unknown, path: ConfigPath, ctx: ProblemContext): string {
  const variables = ctx.source.fromEnv.get(toPointer(path));
  // Values built from environment variables are where secrets live: name the variable, never the value.
  if (variables) return `the value of ${variables.map((name) => `$${name}`).join(" and ")}`;
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (ctx.isSecret(path)) return `a ${typeof value}`;
  if (typeof value === "string") return show(maskUrlPassword(value.length > 80 ? `${value.slice(0, 77)}...` : value));
  return `${typeof value} ${String(value)}`;
}

function expectedTypes(type: unknown): string {
  const names: Record<string, string> = {
    string: "a string",
    integer: "a whole number",
    number: "a number",
    boolean: "true or false",
    object: "a mapping (key: value)",
    array: "a list",
    null: "empty",
  };
  const types = Array.isArray(type) ? type : String(type).split(",");
  return types.map((t) => names[String(t)] ?? String(t)).join(" or ");
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function sentence(text: string, firstOnly = true): string {
  const first = firstOnly ? (text.split(/(?<=\.)\s/)[0] ?? text) : text;
  return first.replace(/\.$/, "");
}

function withRule(schema: Record<string, unknown>, fallback: string): string {
  return typeof schema.description === "string" ? `${fallback}: ${sentence(schema.description)}` : fallback;
}
