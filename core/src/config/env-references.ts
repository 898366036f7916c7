import { randomBytes } from "node:crypto";

/**
 * `${VAR}`, `${VAR:-default}` and the escape `$${...}` in the config text.
 *
 * They are taken out of the text BEFORE the YAML is parsed, so `apiKeys: [ ${KEY} ]` parses (a bare `{`
 * would otherwise open a flow mapping), and each is replaced by a placeholder made only of letters, digits
 * and underscores. The parsed scalars then get the variable's value as plain text. Substituting the value
 * itself into the text would let a secret containing `#`, `: ` or a quote change the document's structure.
 * A placeholder that lands in a comment is simply never resolved, so commented-out references need no
 * variable.
 */
export interface EnvReference {
  index: number;
  placeholder: string;
  /** The reference as written, e.g. `${REDIS_URL:-redis://127.0.0.1:6379}`. */
  raw: string;
  /** Offsets in the original text. */
  start: number;
  end: number;
  syntax: { kind: "variable"; name: string; fallback?: string } | { kind: "literal"; text: string } | { kind: "invalid"; inner: string } | { kind: "unclosed" };
}

export interface ExtractedReferences {
  /** The config text with every reference replaced by its placeholder. */
  text: string;
  references: EnvReference[];
  /** Maps an offset in `text` back to the original text, for error positions. */
  originalOffset(offset: number): number;
  /** Finds the placeholders inside a parsed string. */
  placeholderPattern(): RegExp;
}

// A `${` whose line has no `}` after it is caught too (an unclosed reference: `${` and the name), rather
// than left in the value as text for some later rule (a URL pattern) to complain about.
const REFERENCE = /\$(\$)?\{(?:([^}\n]*)\}|[A-Za-z0-9_]*)/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function extractReferences(source: string): ExtractedReferences {
  let nonce: string;
  do nonce = randomBytes(4).toString("hex");
  while (source.includes(nonce));
  const prefix = `__tributary_env_${nonce}_`;

  const references: EnvReference[] = [];
  const shifts: { from: number; to: number; originalStart: number; originalEnd: number }[] = [];
  let text = "";
  let copied = 0;
  for (const match of source.matchAll(REFERENCE)) {
    const start = match.index;
    const raw = match[0];
    const inner = match[2] ?? "";
    const index = references.length;
    const placeholder = `${prefix}${index}__`;
    const variable = VARIABLE.exec(inner);
    const syntax: EnvReference["syntax"] =
      match[2] === undefined
        ? { kind: "unclosed" }
        : match[1]
          ? { kind: "literal", text: raw.slice(1) }
          : variable
            ? { kind: "variable", name: variable[1] as string, ...(variable[2] === undefined ? {} : { fallback: variable[2] }) }
            : { kind: "invalid", inner };
    references.push({ index, placeholder, raw, start, end: start + raw.length, syntax });

    text += source.slice(copied, start);
    shifts.push({ from: text.length, to: text.length + placeholder.length, originalStart: start, originalEnd: start + raw.length });
    text += placeholder;
    copied = start + raw.length;
  }
  text += source.slice(copied);

  return {
    text,
    references,
    originalOffset(offset) {
      let delta = 0;
      for (const shift of shifts) {
        if (offset < shift.from) break;
        if (offset < shift.to) return shift.originalStart;
        delta = shift.originalEnd - shift.to;
      }
      return offset + delta;
    },
    placeholderPattern: () => new RegExp(`${prefix}(\\d+)__`, "g"),
  };
}

export type Resolution = { ok: true; value: string; variable?: string } | { ok: false; message: string; variable?: string };

/**
 * `${VAR}`: the variable's value, even when empty; unset is an error. `${VAR:-default}`: the default when
 * the variable is unset or empty, as in POSIX shells and Docker Compose.
 */
export function resolveReference(reference: EnvReference, env: Readonly<Record<string, string | undefined>>): Resolution {
  const { syntax } = reference;
  if (syntax.kind === "literal") return { ok: true, value: syntax.text };
  if (syntax.kind === "unclosed") {
    const name = /^\$?\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(reference.raw)?.[1] ?? "NAME";
    return {
      ok: false,
      message: `"${reference.raw}" is not closed: write \${${name}} (or \${${name}:-default}), or $\${ for a literal \${`,
    };
  }
  if (syntax.kind === "invalid") {
    return {
      ok: false,
      message: `"${reference.raw}" is not a valid reference: write \${NAME} or \${NAME:-default} (NAME: letters, digits, _), or $\${...} for a literal`,
    };
  }
  const value = env[syntax.name];
  if (syntax.fallback !== undefined) {
    return { ok: true, value: value === undefined || value === "" ? syntax.fallback : value, variable: syntax.name };
  }
  if (value === undefined) {
    return {
      ok: false,
      variable: syntax.name,
      message: `environment variable ${syntax.name} is not set: set it, or write \${${syntax.name}:-default} to give a default`,
    };
  }
  return { ok: true, value, variable: syntax.name };
}
