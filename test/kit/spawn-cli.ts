import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "core/src/cli/main.ts");

export interface CliProcess {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `tributary <args>` as an operator runs it, as its own process: `node --import tsx` (not the tsx
 * wrapper), so the child's pid is Tributary's own (cluster copies are its children, BullMQ's processedBy
 * names it). Logs at info, so tests can wait for what it says. `nodeArgs` are Node's own flags (the
 * package scripts' heap limits).
 */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, nodeArgs: readonly string[] = []): CliProcess {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}
