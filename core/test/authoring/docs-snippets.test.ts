import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MappingSpec } from "@tributary/schemas";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileMapping } from "../../src/mapping/index.ts";
import { validateConnector } from "../../src/spec/validate-connector.ts";

const DOCS = ["connectors.md", "add-a-connector.md", "partner-connector.md"];
const SPEC_KEYS = new Set([
  "name",
  "displayName",
  "description",
  "icon",
  "website",
  "dataTypes",
  "auth",
  "http",
  "streams",
  "mappings",
  "webhook",
  "sync",
  "options",
]);

/**
 * Everything a fragment does not say, so that a fragment can be checked as a whole connector; its pushes
 * bring the fragment's own first data type.
 */
const skeleton = (pushed = "activity") => ({
  name: "DOCS",
  displayName: "Docs",
  dataTypes: ["activity"],
  auth: { type: "partner_push" },
  http: { baseUrl: "https://api.example.com" },
  streams: { activity: [{ name: "items", request: { path: "/items" }, id: "/id" }] },
  mappings: { activity: { template: { metadata: { summary_id: { path: "/id" } } } } },
  webhook: {
    verify: { scheme: "terra", header: "x-signature" },
    userId: "/user_id",
    events: { "*": { action: "records", dataType: pushed, records: "" } },
  },
});

function yamlBlocks(doc: string): { at: string; text: string }[] {
  const text = readFileSync(fileURLToPath(new URL(`../../../docs/${doc}`, import.meta.url)), "utf8");
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((match) => ({ at: `${doc}:${text.slice(0, match.index).split("\n").length}`, text: match[1]! }));
}

/**
 * The spec fragments the connector guides show are real: each YAML block parses, and each one that is
 * part of a spec validates as a connector (filled in with a skeleton) with its mappings compiled.
 * Examples abridged with "…" are left out; everything else of a block is checked.
 */
describe("spec fragments in the docs", () => {
  /** A folder with an icon.svg, for fragments that name one. */
  let iconFolder: string;
  beforeAll(() => {
    iconFolder = mkdtempSync(join(tmpdir(), "docs-icon-"));
    writeFileSync(join(iconFolder, "icon.svg"), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>');
  });
  afterAll(() => rmSync(iconFolder, { recursive: true, force: true }));

  for (const doc of DOCS) {
    it(`${doc}: every YAML block parses, and every spec fragment validates and compiles`, async () => {
      const blocks = yamlBlocks(doc);
      expect(blocks.length).toBeGreaterThan(0);
      let checked = 0;
      for (const block of blocks) {
        const value = parse(block.text) as Record<string, any>;
        expect(value, block.at).toBeTypeOf("object");
        const keys = Object.keys(value);
        const fragment = keys.every((key) => SPEC_KEYS.has(key))
          ? value
          : keys.length === 1 && keys[0] === "responses"
            ? { http: { responses: value.responses } }
            : undefined;
        if (!fragment) continue;
        for (const mapping of Object.values((fragment.mappings ?? {}) as Record<string, Record<string, unknown>>)) delete mapping.examples;
        if (fragment.webhook) delete fragment.webhook.examples;
        expect(JSON.stringify(fragment), `${block.at} is abridged outside examples`).not.toContain("…");
        const base = skeleton(fragment.dataTypes?.[0]);
        const spec = { ...base, ...fragment, http: { ...base.http, ...fragment.http } };
        const validation = await validateConnector({ spec, dir: iconFolder });
        expect(validation.problems, block.at).toEqual([]);
        for (const [name, mapping] of Object.entries(spec.mappings))
          expect(() => compileMapping(mapping as MappingSpec, { name }), `${block.at} mappings.${name}`).not.toThrow();
        checked += 1;
      }
      expect(checked, `${doc} shows no spec fragment`).toBeGreaterThan(0);
    });
  }
});
