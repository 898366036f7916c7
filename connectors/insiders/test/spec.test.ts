import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { readConnectorFile, resolveConnectorSpecFile, validateConnector } from "@tributary/core/spec";
import { CONNECTOR_DIR, insiders } from "./insiders.ts";

describe("INSIDERS spec", () => {
  it("is a valid connector: meta-schema, cross-checks and icon", async () => {
    const validation = await validateConnector(CONNECTOR_DIR);
    expect(validation.problems).toEqual([]);
    expect(validation.ok).toBe(true);
    const { spec } = validation.definition!;
    expect(spec).toMatchObject({
      name: "INSIDERS",
      dataTypes: ["activity"],
      auth: { type: "oauth2", pkce: true, providerUserId: { from: "token", path: "/user_id" } },
    });
    expect(spec.webhook?.verify).toEqual({ scheme: "terra", header: "Insiders-Signature", secret: "pushSecret", toleranceSeconds: 300 });
  });

  it("is found by its package name as a spec-only package (no JavaScript entry point)", () => {
    const repoRoot = resolve(CONNECTOR_DIR, "../..");
    const file = resolveConnectorSpecFile("@tributary/connector-insiders", repoRoot);
    expect(file).toBeDefined();
    expect(realpathSync(file!)).toBe(realpathSync(join(CONNECTOR_DIR, "connector.yaml")));
    const pkg = JSON.parse(readFileSync(join(CONNECTOR_DIR, "package.json"), "utf8")) as { exports: Record<string, string>; main?: string };
    expect(pkg.main).toBeUndefined();
    expect(Object.keys(pkg.exports)).not.toContain(".");
  });

  it("maps every example it carries: the mapping's (to its expected output), the stream page's and the pushes'", async () => {
    const report = await checkConnectorExamples(insiders());
    expect(report.checks.filter((check) => check.problems.length > 0)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.source, check.outcome, check.action ?? null, check.key?.key ?? null])).toEqual([
      ["mappings.activity.examples[0]", "record", null, "act_01JS0W2T9A"],
      ["streams.activity[0].example/data/0", "record", null, "act_01JPRK3F7K"],
      ["webhook.examples[0]/activities/0", "record", "records", "act_01JS1A9K3B"],
      ["webhook.examples[1]/activities/0", "record", "records", "act_01JS1A9K3B"],
      ["webhook.examples[2]", "action", "deauth", null],
      ["webhook.examples[3]", "action", "ignore", null],
    ]);
    const created = report.checks[2]!.record as Record<string, any>;
    const renamed = report.checks[3]!.record as Record<string, any>;
    // The update replaces the delivered record (same natural key) with the new name and nothing lost.
    expect(renamed.metadata.name).toBe("Express Ride with Sam");
    expect({ ...renamed, metadata: { ...renamed.metadata, name: created.metadata.name } }).toEqual(created);
    expect(created.power_data.power_samples[3]).toEqual({ timestamp: "2026-04-03T07:40:00.000000+02:00", watts: 305 });
  });

  it("a partner's slip is reported at its line: a push that cannot name its user's connection", () => {
    const dir = mkdtempSync(join(tmpdir(), "insiders-spec-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(join(CONNECTOR_DIR, "icon.svg"), join(dir, "icon.svg"));
    const text = readFileSync(join(CONNECTOR_DIR, "connector.yaml"), "utf8");
    const broken = text.replace("  providerUserId: { from: token, path: /user_id }\n", "");
    expect(broken).not.toBe(text);
    writeFileSync(join(dir, "connector.yaml"), broken);
    const result = readConnectorFile(dir);
    expect(result.definition).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    const userId = result.problems[0]!;
    expect(userId.path).toBe("auth.providerUserId");
    expect(userId.message).toMatch(/required — pushes name their user by webhook\.userId/);
    expect(userId.line).toBeGreaterThan(0);
  });
});
