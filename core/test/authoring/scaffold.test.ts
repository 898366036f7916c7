import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConnectorExamples } from "../../src/authoring/connector-examples.ts";
import { scaffoldConnector, type ScaffoldResult } from "../../src/authoring/scaffold.ts";
import { connectorNames } from "../../src/authoring/scaffold-names.ts";
import { loadMockFixtures } from "../../src/mock-provider/fixture-files.ts";
import { validateConnector } from "../../src/spec/validate-connector.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

describe("connectorNames", () => {
  it("reads every way a provider may be written", () => {
    for (const input of ["acme-fit", "ACME_FIT", "Acme Fit", "acmeFit", "  acme__fit  "]) {
      expect(connectorNames(input), input).toEqual({ provider: "ACME_FIT", slug: "acme-fit", display: "Acme Fit", header: "Acme-Fit" });
    }
    expect(connectorNames("zwift2", "Zwift")).toEqual({ provider: "ZWIFT2", slug: "zwift2", display: "Zwift", header: "Zwift2" });
    for (const bad of ["", "---", "9lives"]) expect(() => connectorNames(bad), bad).toThrow(expect.objectContaining({ code: "ERR_CONNECTOR_SCAFFOLD" }));
  });
});

/**
 * A scaffold is generated into the repository's ignored data folder (so its imports resolve as they will
 * in connectors/), then checked in-process and — as its author will — by running its own test file with
 * vitest and type-checking its TypeScript.
 */
describe("scaffoldConnector", () => {
  const base = join(ROOT, ".tributary", `scaffold-test-${randomBytes(5).toString("hex")}`);
  const generated: Record<"yaml" | "typescript", ScaffoldResult | undefined> = { yaml: undefined, typescript: undefined };

  beforeAll(async () => {
    mkdirSync(base, { recursive: true });
    generated.yaml = await scaffoldConnector("acme-fit", join(base, "yaml", "acme-fit"), { kind: "yaml" });
    generated.typescript = await scaffoldConnector("Peak Row", join(base, "typescript", "peak-row"), { kind: "typescript", displayName: "PeakRow" });
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("writes a connector folder: spec, icon, README, package, fixtures and a test (and a module with its map hook in TypeScript)", () => {
    expect(generated.yaml!.files).toEqual([
      "README.md",
      "connector.yaml",
      "fixtures/activities.json",
      "fixtures/users.json",
      "icon.svg",
      "package.json",
      "test/connector.test.ts",
    ]);
    expect(generated.typescript!.files).toEqual([...generated.yaml!.files, "src/index.ts", "src/map-activity.ts"].sort());
    const yamlPackage = JSON.parse(readFileSync(join(generated.yaml!.dir, "package.json"), "utf8"));
    expect(yamlPackage).toMatchObject({ name: "@tributary/connector-acme-fit", exports: { "./connector.yaml": "./connector.yaml" } });
    expect(yamlPackage.exports["."]).toBeUndefined();
    expect(JSON.parse(readFileSync(join(generated.typescript!.dir, "package.json"), "utf8"))).toMatchObject({
      name: "@tributary/connector-peak-row",
      exports: { ".": "./src/index.ts" },
    });
    expect(readFileSync(join(generated.typescript!.dir, "connector.yaml"), "utf8")).toMatch(/^name: PEAK_ROW$/m);
    expect(readFileSync(join(generated.yaml!.dir, "README.md"), "utf8")).toMatch(/\| `distance_km` \| `distance_data\.summary\.distance_meters` \|/);
  });

  it("both kinds validate, map their examples and have fixtures the mock accepts", async () => {
    for (const kind of ["yaml", "typescript"] as const) {
      const validation = await validateConnector(generated[kind]!.dir);
      expect(validation.problems, kind).toEqual([]);
      const definition = validation.definition!;
      expect(Object.keys(definition.hooks), kind).toEqual(kind === "yaml" ? [] : ["map"]);
      const report = await checkConnectorExamples(definition);
      expect(report.ok, kind).toBe(true);
      expect(
        report.checks.map((check) => check.outcome),
        kind,
      ).toEqual(kind === "yaml" ? ["record", "record"] : ["record"]);
      const fixtures = await loadMockFixtures(join(generated[kind]!.dir, "fixtures"), definition.spec);
      expect(fixtures.users).toHaveLength(2);
    }
  });

  it("never writes over an existing folder's files, and refuses an unknown kind", async () => {
    await expect(scaffoldConnector("acme-fit", generated.yaml!.dir, { kind: "yaml" })).rejects.toMatchObject({
      code: "ERR_CONNECTOR_SCAFFOLD",
      message: expect.stringMatching(/already holds 6 files/),
    });
    await expect(scaffoldConnector("acme-fit", join(base, "other"), { kind: "json" as never })).rejects.toMatchObject({ code: "ERR_CONNECTOR_SCAFFOLD" });
  });

  it("its own tests pass as generated, and its TypeScript type-checks in the repository's strict settings", { timeout: 180_000 }, async () => {
    writeFileSync(join(base, "vitest.config.mjs"), 'export default { test: { include: ["*/*/test/*.test.ts"], testTimeout: 30000 } };\n');
    const tests = await run(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--root", base, "--config", "vitest.config.mjs"], {
      cwd: ROOT,
      env: childEnv(),
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the generated tests failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    });
    expect(tests.stdout).toMatch(/Test Files\s+2 passed \(2\)/);
    expect(tests.stdout).toMatch(/Tests\s+8 passed \(8\)/);

    writeFileSync(join(base, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", include: ["yaml", "typescript"], exclude: [] }));
    await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(base, "tsconfig.json"), "--noEmit"], { cwd: ROOT }).catch(
      (error: { stdout?: string }) => {
        throw new Error(`the generated TypeScript does not type-check:\n${error.stdout ?? ""}`);
      },
    );
  });
});

/** The parent run's environment without what marks a process as one of its workers, and without colours. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "NODE_OPTIONS" && name !== "TEST" && name !== "FORCE_COLOR"),
  );
  return { ...env, NO_COLOR: "1" };
}
