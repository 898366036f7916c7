import { execFile, spawnSync } from "node:child_process";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { PreparedRequest } from "./workloads.ts";

const SCRIPT = fileURLToPath(new URL("./wrk-ingest.lua", import.meta.url));

/** wrk (Debian package `wrk`) is a C load generator: it leaves the 2 cores to the system under test. */
export const hasWrk = (): boolean => spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;

export interface WrkResult {
  requests: number;
  seconds: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Write pre-signed requests where wrk reads them (signature line, body line, …), before timing starts, so
 * the harness can let go of them: a heap of a few hundred MB would cost the measured processes CPU in GC.
 */
export async function writeWrkRequests(requests: readonly PreparedRequest[]): Promise<string> {
  const file = join(tmpdir(), `tributary-wrk-${process.pid}.txt`);
  // In slices: the whole set is more than V8's longest string.
  const handle = await open(file, "w");
  try {
    for (let i = 0; i < requests.length; i += 10_000) {
      await handle.write(
        requests
          .slice(i, i + 10_000)
          .map((r) => `${r.headers["x-sandbox-signature"]}\n${r.body.toString("utf8")}\n`)
          .join(""),
      );
    }
  } finally {
    await handle.close();
  }
  return file;
}

/** Send the requests of `file` for `seconds` with `connections` open connections on `threads` threads. */
export async function wrkIngest(url: string, file: string, options: { seconds: number; connections: number; threads: number }): Promise<WrkResult> {
  const { stdout } = await promisify(execFile)(
    "wrk",
    [
      "-t",
      String(options.threads),
      "-c",
      String(options.connections),
      "-d",
      `${options.seconds}s`,
      "--timeout",
      "5s",
      "-s",
      SCRIPT,
      url,
      "--",
      file,
      String(options.threads),
    ],
    { maxBuffer: 1 << 20 },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("WRK "));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const [requestCount, durationUs, errors, p50Us, p99Us] = line.split(" ").slice(1).map(Number) as [number, number, number, number, number];
  return { requests: requestCount, seconds: durationUs / 1e6, errors, p50Ms: p50Us / 1000, p99Ms: p99Us / 1000 };
}
