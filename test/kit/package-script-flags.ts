import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The Node flags a package script starts a role with (`"api": "node <flags> --conditions=production
 * core/dist/cli/main.js api"`): benchmarks and process tests run the processes with an operator's flags
 * (on the TypeScript sources, through tsx), and the flags live in one place.
 */
export function packageScriptFlags(role: "api" | "serve" | "worker"): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const match = /^node\s+(.*?)\s*--conditions=production core\/dist\/cli\/main\.js /.exec(scripts[role] ?? "");
  if (!match)
    throw new Error(
      `package.json's "${role}" script does not start with "node [flags] --conditions=production core/dist/cli/main.js": its flags cannot be read`,
    );
  return match[1]!.split(/\s+/).filter(Boolean);
}
