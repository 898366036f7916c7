import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkSpecDocument } from "../src/index.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const specPath = `${repoRoot}../shared/reference/terra-openapi/v2-bundled.yaml`;

// Terra's published OpenAPI document is reference material, not part of the project: CI has it in shared/
// beside the checkout, a plain clone does not, so the cross-check runs only where the file exists.
describe.skipIf(!existsSync(specPath))("Terra's own OpenAPI examples", () => {
  it("every Terra Standard example validates against our schemas", () => {
    // `yaml` is a dependency of @tributary/core, not of this package.
    const { parse } = createRequire(`${repoRoot}core/package.json`)("yaml") as { parse: (source: string) => unknown };
    const report = checkSpecDocument(parse(readFileSync(specPath, "utf8")));
    const failures = report.lines.filter((line) => !line.startsWith("✓") && !line.startsWith("- skipped"));
    expect(report.failed, failures.join("\n")).toBe(0);
    // All webhook examples of the Terra Standard events are among them.
    expect(report.results.filter((r) => r.example.location.startsWith("webhooks.")).length).toBeGreaterThanOrEqual(17);
    expect(report.passed).toBeGreaterThan(300);
  });
});
