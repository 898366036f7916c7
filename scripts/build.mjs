// `pnpm build`: every package's src/ compiled to JavaScript in its own dist/, for production (`node` on
// compiled output, no tsx). One tsc program over all packages (the type check is `pnpm typecheck`'s), then
// each package's part moved into place with the non-TypeScript files its code reads (migrations).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const staging = join(root, ".build");
const started = performance.now();

rmSync(staging, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });

const packages = [];
for (const group of ["core", "schemas", "connectors", "destinations", "formats"]) {
  const dir = join(root, group);
  if (existsSync(join(dir, "src"))) packages.push(dir);
  else for (const entry of readdirSync(dir)) if (existsSync(join(dir, entry, "src"))) packages.push(join(dir, entry));
}
for (const pkg of packages) {
  const compiled = join(staging, relative(root, pkg), "src");
  const dist = join(pkg, "dist");
  rmSync(dist, { recursive: true, force: true });
  cpSync(compiled, dist, { recursive: true });
  // Files the code reads at run time next to itself.
  copyAssets(join(pkg, "src"), dist);
}
rmSync(staging, { recursive: true, force: true });
console.log(`built ${packages.length} packages in ${((performance.now() - started) / 1000).toFixed(1)} s`);

function copyAssets(from, to) {
  for (const entry of readdirSync(from)) {
    const path = join(from, entry);
    if (statSync(path).isDirectory()) copyAssets(path, join(to, entry));
    else if (entry.endsWith(".sql")) cpSync(path, join(to, entry));
  }
}
