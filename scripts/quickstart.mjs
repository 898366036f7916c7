#!/usr/bin/env node
// One command for a fresh clone: get pnpm if missing, install the workspace, run the sandbox demo.
// Plain .mjs on purpose: it runs before any dependency (tsx, TypeScript) is installed.
import { spawnSync } from "node:child_process";

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: "inherit", shell: process.platform === "win32" });
  if (result.error) return 1;
  return result.status ?? 1;
};
const has = (command) => spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;

if (!has("pnpm")) {
  console.log("• pnpm not found: installing it with npm (npm install -g pnpm@10)");
  if (run("npm", ["install", "-g", "pnpm@10"]) !== 0) {
    console.error("✗ Could not install pnpm globally. Install it yourself (npm install -g pnpm@10, or see pnpm.io/installation) and rerun.");
    process.exit(1);
  }
}
if (run("pnpm", ["install", "--frozen-lockfile"]) !== 0) process.exit(1);
process.exit(run("pnpm", ["start", ...process.argv.slice(2)]));
