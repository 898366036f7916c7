import { LineCounter, parseDocument } from "yaml";
import { findYamlNode } from "../util/yaml-nodes.ts";
import type { Locate, SpecFinding } from "./spec-finding.ts";

/** A connector spec as read from its YAML text, with a way back to positions in the file. */
export interface SpecSource {
  /** Plain data; undefined when the text is not valid YAML. */
  value: unknown;
  /** YAML syntax errors (and anything else that keeps the text from being read as plain data). */
  findings: SpecFinding[];
  locate: Locate;
}

/** Aliases expanded per document: YAML anchors are convenient; a "billion laughs" is not. */
const MAX_ALIASES = 1000;

/**
 * Parses spec text as YAML 1.2 (JSON is YAML too). Partner specs are untrusted input: duplicate keys,
 * custom tags and alias bombs are errors, not surprises.
 */
export function parseSpecYaml(text: string): SpecSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const locate: Locate = (path, atKey) => {
    const found = findYamlNode(doc, path);
    const node = atKey && found.key ? found.key : found.node;
    return node?.range ? at(node.range[0]) : undefined;
  };
  // After the first syntax error the parser's view of the rest is guesswork: report the first only.
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined)
    return { value: undefined, findings: [{ path: [], message: `not valid YAML: ${first.message}`, position: at(first.pos[0]) }], locate };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown, findings: [], locate };
  } catch (error) {
    return { value: undefined, findings: [{ path: [], message: `cannot be read: ${(error as Error).message}` }], locate };
  }
}
