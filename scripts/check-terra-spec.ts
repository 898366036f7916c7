// Validates every Terra Standard example in Terra's OpenAPI document against @tributary/schemas.
// Usage: tsx scripts/check-terra-spec.ts <path/to/v2-bundled.yaml>
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { checkSpecDocument } from "@tributary/schemas";

// `yaml` is a dependency of @tributary/core, not of the workspace root this script runs from.
const requireFromCore = createRequire(new URL("../core/package.json", import.meta.url));
const { parse } = requireFromCore("yaml") as { parse: (source: string) => unknown };

const specPath = process.argv[2];
if (specPath === undefined) {
  console.error("usage: tsx scripts/check-terra-spec.ts <path/to/v2-bundled.yaml>");
  process.exit(2);
}

let spec: unknown;
try {
  spec = parse(readFileSync(specPath, "utf8"));
} catch (error) {
  console.error(`cannot read ${specPath}: ${(error as Error).message}`);
  process.exit(2);
}

const report = checkSpecDocument(spec);
for (const line of report.lines) console.log(line);
process.exit(report.failed > 0 || report.passed === 0 ? 1 : 0);
