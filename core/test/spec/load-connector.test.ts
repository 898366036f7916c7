import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { loadConnectorFile, readConnectorFile, resolveConnectorSpecFile } from "../../src/spec/load-connector.ts";
import { ConnectorSpecError } from "../../src/spec/spec-problem.ts";
import { validateConnector } from "../../src/spec/validate-connector.ts";

const root = mkdtempSync(join(tmpdir(), "tributary-spec-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPEC = `name: ACME_PUSH
displayName: Acme
dataTypes: [activity]
auth: { type: partner_push }
mappings:
  activity: { template: { metadata: { summary_id: { path: /id } } } }
webhook:
  verify: { scheme: terra, header: acme-signature }
  userId: /user_id
  events: { "*": { action: records, dataType: activity, records: "" } }
`;
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';

let counter = 0;
/** A fresh folder with the given files (relative path → content). */
function folder(files: Record<string, string>): string {
  const dir = join(root, `case-${++counter}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const withIcon = (icon: string) => SPEC.replace("dataTypes:", `icon: ${JSON.stringify(icon)}\ndataTypes:`);
const iconProblems = (dir: string) => readConnectorFile(dir).problems.map((p) => `${p.path}: ${p.message}`);

describe("resolveConnectorSpecFile: which plugin specifiers are YAML connectors", () => {
  const base = folder({
    "spec-only/connector.yaml": SPEC,
    "yml-only/connector.yml": SPEC,
    "loose.yaml": SPEC,
    "ts-connector/package.json": JSON.stringify({ name: "ts-connector", main: "src/index.ts" }),
    "ts-connector/connector.yaml": SPEC,
    "bare-index/index.ts": "export default {}",
    "bare-index/connector.yaml": SPEC,
    "node_modules/@acme/connector-push/package.json": JSON.stringify({ name: "@acme/connector-push", exports: { "./connector.yaml": "./connector.yaml" } }),
    "node_modules/@acme/connector-push/connector.yaml": SPEC,
    "node_modules/@acme/connector-code/package.json": JSON.stringify({ name: "@acme/connector-code", exports: { ".": { import: "./index.js" } } }),
    "node_modules/@acme/connector-code/connector.yaml": SPEC,
    "nested/deeper/.keep": "",
  });

  it("a folder holding connector.yaml (or .yml), and a .yaml file", () => {
    expect(resolveConnectorSpecFile("./spec-only", base)).toBe(join(base, "spec-only/connector.yaml"));
    expect(resolveConnectorSpecFile("./yml-only", base)).toBe(join(base, "yml-only/connector.yml"));
    expect(resolveConnectorSpecFile("./loose.yaml", base)).toBe(join(base, "loose.yaml"));
    expect(resolveConnectorSpecFile(join(base, "spec-only"), "/")).toBe(join(base, "spec-only/connector.yaml"));
    expect(resolveConnectorSpecFile(pathToFileURL(join(base, "loose.yaml")).href, "/")).toBe(join(base, "loose.yaml"));
  });

  it("a package that is only a spec, found in node_modules from the base folder up", () => {
    expect(resolveConnectorSpecFile("@acme/connector-push", base)).toBe(join(base, "node_modules/@acme/connector-push/connector.yaml"));
    expect(resolveConnectorSpecFile("@acme/connector-push", join(base, "nested/deeper"))).toBe(join(base, "node_modules/@acme/connector-push/connector.yaml"));
  });

  it("a module (an entry point beside the spec, a .ts file, node:, an unknown package) is imported instead", () => {
    expect(resolveConnectorSpecFile("./ts-connector", base)).toBeUndefined();
    expect(resolveConnectorSpecFile("./bare-index", base)).toBeUndefined();
    expect(resolveConnectorSpecFile("@acme/connector-code", base)).toBeUndefined();
    expect(resolveConnectorSpecFile("./plugin.ts", base)).toBeUndefined();
    expect(resolveConnectorSpecFile("node:fs", base)).toBeUndefined();
    expect(resolveConnectorSpecFile("@acme/not-installed", base)).toBeUndefined();
  });
});

describe("loading a spec file", () => {
  it("gives a definition with the folder as dir and no hooks", () => {
    const dir = folder({ "connector.yaml": withIcon("icon.svg"), "icon.svg": SVG });
    const definition = loadConnectorFile(dir);
    expect(definition).toMatchObject({ kind: "connector", dir, hooks: {} });
    expect(definition.spec.name).toBe("ACME_PUSH");
    expect(loadConnectorFile(pathToFileURL(join(dir, "connector.yaml"))).spec.icon).toBe("icon.svg");
  });

  it("attaches the hooks a TypeScript connector passes with its YAML spec", () => {
    const dir = folder({ "connector.yaml": SPEC.replace("{ scheme: terra, header: acme-signature }", "{ scheme: hook }") });
    const verify = () => true;
    expect(loadConnectorFile(dir, { hooks: { verify } }).hooks.verify).toBe(verify);
    expect(() => loadConnectorFile(dir)).toThrow(ConnectorSpecError);
  });

  it("throws ERR_SPEC_INVALID listing every problem as file:line:column path: message", () => {
    const dir = folder({ "connector.yaml": SPEC.replace("displayName: Acme\n", "").replace("userId: /user_id", "userId: user_id") });
    let error: unknown;
    try {
      loadConnectorFile(join(dir, "connector.yaml"), { cwd: dir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConnectorSpecError);
    const specError = error as ConnectorSpecError;
    expect(specError.code).toBe(ErrorCodes.SPEC_INVALID);
    expect(specError.errorClass).toBe("user");
    expect(specError.message).toBe(
      [
        "Connector spec connector.yaml has 2 problems:",
        "  connector.yaml:1:1 displayName: required (a string)",
        '  connector.yaml:8:11 webhook.userId: expected a JSON pointer such as "/id" or "/data/items" ("" for the whole document), got string "user_id"',
      ].join("\n"),
    );
    expect(specError.problems).toHaveLength(2);
    expect(specError.hint).toMatch(/connector validate/);
  });

  it("reports a missing file, a folder without a spec, and an empty file", () => {
    const dir = folder({ "empty.yaml": "", "other/readme.md": "" });
    expect(readConnectorFile(join(dir, "nope.yaml")).problems).toEqual([{ path: "", message: "the file does not exist" }]);
    expect(readConnectorFile(join(dir, "other")).problems).toEqual([{ path: "", message: "no connector.yaml or connector.yml in this folder" }]);
    expect(readConnectorFile(join(dir, "empty.yaml")).problems.map((p) => p.message)).toEqual(["expected an object, got null"]);
  });

  it("refuses YAML that is not plain data: custom tags, alias bombs, oversized files", () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(",")}]`,
      ),
    ].join("\n");
    const dir = folder({ "tagged.yaml": "name: !include secrets.yaml\n", "bomb.yaml": bomb, "big.yaml": `# ${"x".repeat(10 * 1024 * 1024)}\n` });
    expect(readConnectorFile(join(dir, "tagged.yaml")).problems).toEqual([
      { path: "", line: 1, column: 7, message: expect.stringMatching(/^not valid YAML: .*tag/i) },
    ]);
    expect(readConnectorFile(join(dir, "bomb.yaml")).problems).toEqual([
      { path: "", line: 1, column: 1, message: expect.stringMatching(/^cannot be read: .*alias/i) },
    ]);
    expect(readConnectorFile(join(dir, "big.yaml")).problems).toEqual([{ path: "", message: "the spec is 11 MiB; at most 10 MiB is read" }]);
  });
});

describe("icons", () => {
  it("an SVG file beside the spec, an https URL or an SVG data URL is fine", () => {
    expect(iconProblems(folder({ "connector.yaml": withIcon("assets/icon.svg"), "assets/icon.svg": `<?xml version="1.0"?>\n${SVG}` }))).toEqual([]);
    expect(iconProblems(folder({ "connector.yaml": withIcon("https://cdn.example.com/acme.svg") }))).toEqual([]);
    expect(iconProblems(folder({ "connector.yaml": withIcon("data:image/svg+xml,%3Csvg%3E%3C/svg%3E") }))).toEqual([]);
  });

  it.each([
    ["missing.svg", {}, 'icon: "missing.svg" does not exist in'],
    ["icon.png", { "icon.png": "PNG" }, 'icon: expected an SVG file (.svg), got "icon.png"'],
    ["icon.svg", { "icon.svg": "<html></html>" }, 'icon: "icon.svg" is not an SVG image (no <svg> element)'],
    ["icon.svg", { "icon.svg": `${SVG}<script>alert(1)</script>` }, 'icon: "icon.svg" contains scripting'],
    ["icon.svg", { "icon.svg": SVG.replace("<rect", '<a href="javascript:alert(1)"><rect') }, 'icon: "icon.svg" contains scripting'],
    ["icon.svg", { "icon.svg": `${SVG}<!--${"x".repeat(300 * 1024)}-->` }, 'icon: "icon.svg" is 301 KiB; an icon must be at most 256 KiB'],
    ["assets", { "assets/a.svg": SVG }, 'icon: expected an SVG file (.svg), got "assets"'],
    ["dir.svg", { "dir.svg/a": "" }, 'icon: "dir.svg" is not a file'],
    ["/etc/icon.svg", {}, 'icon: expected a path relative to the connector\'s folder, got "/etc/icon.svg"'],
    ["../../icon.svg", {}, 'icon: "../../icon.svg" is outside the connector\'s folder — keep the icon beside the spec'],
    ["http://cdn.example.com/a.svg", {}, 'icon: expected an SVG file beside the spec, an https URL or an SVG data URL, got "http://cdn.example.com/a.svg"'],
    ["data:image/png;base64,AAAA", {}, "icon: a data URL icon must be an SVG (data:image/svg+xml,…)"],
  ])("%s is refused", (icon, files, expected) => {
    const problems = iconProblems(folder({ "connector.yaml": withIcon(icon), ...files }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });
});

describe("validateConnector(path)", () => {
  it("imports a TypeScript connector's module and reports its problems", async () => {
    const good = await validateConnector(new URL("./fixtures/valid/hooks-connector.ts", import.meta.url));
    expect(good).toMatchObject({ ok: true, source: "ACME_HOOKED", problems: [] });

    const dir = folder({
      "package.json": JSON.stringify({ name: "broken-connector", type: "module", main: "index.ts" }),
      "index.ts": `import { defineConnector } from ${JSON.stringify(new URL("../../src/spec/define-connector.ts", import.meta.url).pathname)};
export default defineConnector({ spec: { name: "BROKEN", displayName: "Broken", dataTypes: ["sleep"], auth: { type: "none" } } });`,
    });
    expect(await validateConnector(dir)).toEqual({
      ok: false,
      source: "BROKEN",
      problems: [
        {
          path: "dataTypes[0]",
          message: "nothing produces sleep records — add streams.sleep, or a webhook event that brings them (action: records or pull_url)",
        },
      ],
    });
  });

  it("a module whose default export is not a connector, or that does not import", async () => {
    const dir = folder({ "old.ts": 'export default { kind: "connector", name: "OLD", pull: {} };', "broken.ts": "export default (" });
    expect((await validateConnector(join(dir, "old.ts"))).problems).toEqual([
      { path: "", message: "the module's default export is not a connector: export default defineConnector({ spec, hooks, dir })" },
    ]);
    expect((await validateConnector(join(dir, "broken.ts"))).problems[0]?.message).toMatch(/^cannot import the connector module: /);
  });

  it("a bare spec object or a definition, without line numbers", async () => {
    const result = await validateConnector({ name: "X", displayName: "X", dataTypes: ["activity"], auth: { type: "none" }, extra: 1 });
    expect(result).toEqual({
      ok: false,
      source: "X",
      problems: [
        {
          path: "extra",
          message:
            "unknown field; known fields: name, displayName, description, icon, website, dataTypes, auth, http, streams, mappings, webhook, sync, options",
        },
      ],
    });
  });
});
