import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { findYamlNode } from "../util/yaml-nodes.ts";
import { formatPath, type ConfigProblem } from "./config-error.ts";
import { extractReferences, resolveReference, type ExtractedReferences } from "./env-references.ts";

export type ConfigPath = readonly (string | number)[];

/** The file name of the built-in demo config, which has no file. */
export const DEFAULT_CONFIG_FILE = "(built-in defaults)";

export interface Position {
  line: number;
  column: number;
}

/** The config text parsed, with environment references resolved and a way back to file positions. */
export interface ConfigSource {
  /** How errors name the file: the path as given, or "(built-in defaults)". */
  file: string;
  /** Plain data, ready to validate; undefined when the text is not valid YAML. */
  value: unknown;
  /** YAML syntax errors and environment references that could not be resolved. */
  problems: ConfigProblem[];
  /** Display paths whose environment references could not be resolved: nothing more is said about them. */
  unresolved: ReadonlySet<string>;
  /** JSON pointer → variables its value was built from; such values are strings and never echoed. */
  fromEnv: ReadonlyMap<string, readonly string[]>;
  /** Where a value sits, or the nearest enclosing value written in the file when it is absent. */
  locate(path: ConfigPath): Position | undefined;
  /** Where the key of a mapping entry sits (for unknown fields); falls back to `locate`. */
  locateKey(path: ConfigPath): Position | undefined;
}

export function toPointer(path: ConfigPath): string {
  return path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

export function parseConfigSource(text: string, file: string, env: Readonly<Record<string, string | undefined>>): ConfigSource {
  const extracted = extractReferences(text);
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  const originalPositionOf = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const positionOf = (offset: number): Position => originalPositionOf(extracted.originalOffset(offset));

  const doc = parseDocument(extracted.text, { prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = doc.errors.map((error) => ({
    path: "",
    ...positionOf(error.pos[0]),
    message: `not valid YAML: ${error.message}`,
  }));

  const fromEnv = new Map<string, string[]>();
  const unresolved = new Set<string>();
  const locate = (path: ConfigPath, key = false) => {
    const found = findYamlNode(doc, path);
    const node = key && found.key ? found.key : found.node;
    return node?.range ? positionOf(node.range[0]) : undefined;
  };
  const source: ConfigSource = {
    file,
    value: undefined,
    problems,
    unresolved,
    fromEnv,
    locate: (path) => locate(path),
    locateKey: (path) => locate(path, true),
  };
  if (problems.length > 0) return source;

  substitute(doc.contents, [], { extracted, env, problems, unresolved, fromEnv, positionOf, originalPositionOf });
  const value = doc.toJS() as unknown;
  source.value = value === null || value === undefined ? {} : value;
  return source;
}

interface SubstituteContext {
  extracted: ExtractedReferences;
  env: Readonly<Record<string, string | undefined>>;
  problems: ConfigProblem[];
  unresolved: Set<string>;
  fromEnv: Map<string, string[]>;
  /** From an offset in the text YAML parsed (placeholders in it). */
  positionOf(offset: number): Position;
  /** From an offset in the file as written. */
  originalPositionOf(offset: number): Position;
}

function substitute(node: unknown, path: (string | number)[], ctx: SubstituteContext): void {
  if (isScalar(node)) {
    if (typeof node.value !== "string") return;
    const pattern = ctx.extracted.placeholderPattern();
    if (!pattern.test(node.value)) return;
    const variables: string[] = [];
    node.value = node.value.replace(pattern, (_placeholder, index: string) => {
      const reference = ctx.extracted.references[Number(index)];
      if (!reference) return "";
      const resolution = resolveReference(reference, ctx.env);
      if (resolution.variable) variables.push(resolution.variable);
      if (resolution.ok) return resolution.value;
      ctx.problems.push({ path: formatPath(path), ...ctx.originalPositionOf(reference.start), message: resolution.message });
      ctx.unresolved.add(formatPath(path));
      return "";
    });
    if (variables.length > 0) ctx.fromEnv.set(toPointer(path), variables);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key;
      if (isScalar(keyNode) && typeof keyNode.value === "string" && ctx.extracted.placeholderPattern().test(keyNode.value)) {
        // Put the reference back as written, so the key reads as the operator wrote it wherever it is named.
        const written = keyNode.value.replace(
          ctx.extracted.placeholderPattern(),
          (_placeholder, index: string) => ctx.extracted.references[Number(index)]?.raw ?? "",
        );
        keyNode.value = written;
        const keyPath = formatPath([...path, written]);
        ctx.problems.push({
          path: keyPath,
          ...(keyNode.range ? ctx.positionOf(keyNode.range[0]) : {}),
          message: "environment variables can be used in values only, not in keys",
        });
        ctx.unresolved.add(keyPath);
        continue;
      }
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      substitute(pair.value, [...path, String(key)], ctx);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => substitute(item, [...path, index], ctx));
  }
}
