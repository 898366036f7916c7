/**
 * `pnpm bench:fit`: what one activity costs in FIT, printed, never asserted.
 *   encode  a one-hour ride with 1 Hz samples of every stream FIT records carry (heart rate, power,
 *           cadence, speed, distance, altitude, position: 3,601 records) → FIT bytes; target < 5 ms median
 *   decode  the same file → a Terra Activity (for scale: connectors and `tributary fit import` pay it)
 * Medians (and p95) of many runs after a warm-up, in this process, on one core.
 */
import { parseArgs } from "node:util";
import { decodeActivityFit, encodeActivityFit } from "@tributary/fit";
import { fullRide } from "../../formats/fit/test/activities.ts";
import { fmt, percentile } from "./percentiles.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const runs = values.quick ? 60 : 300;
const ENCODE_TARGET_MS = 5;

/**
 * Wall-clock milliseconds of each run, and the process's CPU milliseconds per run (steadier than wall time
 * on a shared machine, where another guest's load stretches a run without costing it more work).
 */
function time(work: () => unknown): { durations: number[]; cpuMs: number } {
  for (let i = 0; i < Math.min(50, runs); i++) work();
  const durations: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const used = process.cpuUsage(cpu);
  return { durations, cpuMs: (used.user + used.system) / 1000 / runs };
}

const activity = fullRide({ seconds: 3600 });
const bytes = encodeActivityFit(activity);
const encode = time(() => encodeActivityFit(activity));
const decode = time(() => decodeActivityFit(bytes));

const line = (label: string, value: string, target = "") => console.log(`  ${label.padEnd(46)} ${value.padStart(14)}   ${target}`);
const median = percentile(encode.durations, 50);
console.log(`FIT codec (${runs} runs each, node ${process.version})`);
line("one-hour 1 Hz activity: FIT file size", `${fmt(bytes.length / 1024, 1)} KiB`);
line("encode Activity → FIT, median", `${fmt(median, 2)} ms`, `${median < ENCODE_TARGET_MS ? "✓" : "✗"} target < ${ENCODE_TARGET_MS} ms`);
line("encode, p95", `${fmt(percentile(encode.durations, 95), 2)} ms`);
line("encode, CPU time per file (all threads)", `${fmt(encode.cpuMs, 2)} ms`);
line("decode FIT → Activity, median", `${fmt(percentile(decode.durations, 50), 2)} ms`);
line("decode, p95", `${fmt(percentile(decode.durations, 95), 2)} ms`);
line("decode, CPU time per file (all threads)", `${fmt(decode.cpuMs, 2)} ms`);
