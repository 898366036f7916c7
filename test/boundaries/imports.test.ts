import { readdir, readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * The plugin boundary, checked on every module a plugin ships (its src/, hooks next to a connector.yaml):
 * plugins import core only through its contracts (`@tributary/core/contracts`), plus `@tributary/schemas`,
 * their own files and their own dependencies; core imports no plugin (the registry loads them by name at
 * run time). Tests may use anything.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PLUGIN_CONTRACTS = new Set(["@tributary/core/contracts", "@tributary/schemas"]);

async function sourceFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["node_modules", "test", "fixtures", "recordings", "dist"].includes(entry.name)) found.push(...(await sourceFiles(path)));
    } else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) found.push(path);
  }
  return found;
}

/** What a module imports, as TypeScript reads it (not import-like text inside a template string). */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
}

async function packages(group: string): Promise<{ dir: string; name: string; dependencies: Set<string> }[]> {
  const dirs = (await readdir(join(ROOT, group), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(ROOT, group, e.name));
  const result = [];
  for (const dir of dirs) {
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8").catch(() => "{}")) as {
      name?: string;
      dependencies?: Record<string, string>;
    };
    if (!manifest.name) continue;
    result.push({ dir, name: manifest.name, dependencies: new Set(Object.keys(manifest.dependencies ?? {})) });
  }
  return result;
}

const packageOf = (specifier: string) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] as string));

describe("import boundaries", async () => {
  // formats/ are codec libraries plugins may depend on (FIT); they keep to the same boundary themselves.
  const libraries = await packages("formats");
  const libraryNames = new Set(libraries.map((p) => p.name));
  const plugins = [...(await packages("connectors")), ...(await packages("destinations")), ...libraries];

  it("finds the plugins and their modules", async () => {
    expect(plugins.map((p) => p.name)).toEqual(
      expect.arrayContaining(["@tributary/connector-sandbox", "@tributary/destination-webhook", "@tributary/destination-sql", "@tributary/fit"]),
    );
  });

  it.each(plugins.map((p) => [p.name, p] as const))("%s imports core only through its contracts", async (_name, plugin) => {
    const wrong: string[] = [];
    for (const file of await sourceFiles(plugin.dir)) {
      for (const specifier of await importsOf(file)) {
        const where = `${relative(ROOT, file)}: ${specifier}`;
        if (specifier.startsWith(".")) {
          // Relative imports stay inside the package.
          if (!resolve(file, "..", specifier).startsWith(plugin.dir + sep)) wrong.push(where);
        } else if (specifier.startsWith("node:") || builtinModules.includes(specifier)) {
        } else if (specifier.startsWith("@tributary/")) {
          const library = libraryNames.has(packageOf(specifier)) && plugin.dependencies.has(packageOf(specifier));
          if (!PLUGIN_CONTRACTS.has(specifier) && !library) wrong.push(where);
        } else if (!plugin.dependencies.has(packageOf(specifier))) {
          wrong.push(`${where} (not a dependency of ${plugin.name})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("core imports no plugin", async () => {
    const pluginNames = new Set(plugins.map((p) => p.name));
    const wrong: string[] = [];
    for (const file of await sourceFiles(join(ROOT, "core/src"))) {
      for (const specifier of await importsOf(file)) {
        const outside = specifier.startsWith(".") && !resolve(file, "..", specifier).startsWith(join(ROOT, "core") + sep);
        if (pluginNames.has(packageOf(specifier)) || outside || specifier.startsWith("@tributary/test-kit"))
          wrong.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
