import { readdir, readFile } from "node:fs/promises";

/** Node processes whose parent is `pid` (Linux /proc): a `--processes N` cluster's copies, not tsx's esbuild service. */
export async function childNodePids(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command name, which may itself hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid !== pid) continue;
    if ((await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "")).trim() === "node") found.push(Number(entry));
  }
  return found.sort((a, b) => a - b);
}
