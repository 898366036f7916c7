import { readdir, readFile } from "node:fs/promises";

/**
 * CPU time spent by each party of a benchmark phase, read from /proc (Linux): where the 2 cores went is a
 * steadier number than a throughput on a shared host, and it says which process to optimise.
 */
export type Party = "api" | "worker" | "redis" | "postgres" | "harness" | "machine" | "stolen";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
}

async function pidsByCommand(command: string): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "");
    if (comm.trim() === command) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Busy CPU seconds of the whole machine (every core; user, system, interrupts), and the "steal": time the
 * hypervisor gave to other guests while this one had work — on a shared host, the run's hidden handicap.
 */
async function machineCpuSeconds(): Promise<{ busy: number; stolen: number }> {
  const stat = await readFile("/proc/stat", "utf8").catch(() => "");
  const fields = (stat.split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND, stolen: steal / TICKS_PER_SECOND };
}

export interface CpuSnapshot {
  seconds: Partial<Record<Party, number>>;
}

/**
 * CPU seconds used so far by the processes under test (api, workers), the local Redis and PostgreSQL
 * servers (every process of theirs; absent when they run elsewhere) and this harness.
 */
export async function cpuSnapshot(processes: { api?: number[]; worker?: number[] }): Promise<CpuSnapshot> {
  const sum = async (pids: readonly number[]) => (await Promise.all(pids.map(processCpuSeconds))).reduce((a, b) => a + b, 0);
  const own = process.cpuUsage();
  const machine = await machineCpuSeconds();
  return {
    seconds: {
      api: await sum(processes.api ?? []),
      worker: await sum(processes.worker ?? []),
      redis: await sum(await pidsByCommand("redis-server")),
      postgres: await sum(await pidsByCommand("postgres")),
      harness: (own.user + own.system) / 1e6,
      // Everything, the load generator and the kernel's network work included: the sum the cores can give.
      machine: machine.busy,
      stolen: machine.stolen,
    },
  };
}

/** CPU microseconds per unit of work (record, request) spent by each party between two snapshots. */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number): Partial<Record<Party, number>> {
  const out: Partial<Record<Party, number>> = {};
  for (const party of Object.keys(after.seconds) as Party[]) {
    out[party] = (((after.seconds[party] ?? 0) - (before.seconds[party] ?? 0)) * 1e6) / units;
  }
  return out;
}
