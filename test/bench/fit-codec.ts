/**
 * `pnpm bench:fit`: what one activity costs in FIT, printed, never asserted.
 *   encode  a one-hour ride with 1 Hz samples of every stream FIT records carry (heart rate, power,
 *           cadence, speed, distance, altitude, position: 3,601 records) → FIT bytes; target < 5 ms median
 *   decode  the same file → a Terra Activity (for scale: connectors and `tributary fit import` pay it)
 * Medians (and p95) of many runs after a warm-up, in this process, on one core: wall-clock time, and the
 * process's CPU time per run, which another guest's load on a shared machine does not stretch.
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { decodeActivityFit, encodeActivityFit } from "@tributary/fit";
import { fullRide } from "../../formats/fit/test/activities.ts";
import { fmt, percentile } from "./percentiles.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const runs = values.quick ? 60 : 300;
const ENCODE_TARGET_MS = 5;

/** Wall-clock and CPU milliseconds (the process's, all threads: garbage collection included) of each run. */
function time(work: () => unknown): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < Math.min(50, runs); i++) work();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    work();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

const activity = fullRide({ seconds: 3600 });
const bytes = encodeActivityFit(activity);
const encode = time(() => encodeActivityFit(activity));
const decode = time(() => decodeActivityFit(bytes));

const line = (label: string, value: string, target = "") => console.log(`  ${label.padEnd(46)} ${value.padStart(14)}   ${target}`);
const ms = (value: number) => `${fmt(value, 2)} ms`;
const against = (value: number) => `${value < ENCODE_TARGET_MS ? "✓" : "✗"} target < ${ENCODE_TARGET_MS} ms`;
const median = (values: number[]) => percentile(values, 50);
console.log(`FIT codec (${runs} runs each, node ${process.version})`);
line("one-hour 1 Hz activity: FIT file size", `${fmt(bytes.length / 1024, 1)} KiB`);
line("encode Activity → FIT, median wall", ms(median(encode.wall)), against(median(encode.wall)));
line("encode, median CPU", ms(median(encode.cpu)), against(median(encode.cpu)));
line("encode, p95 wall", ms(percentile(encode.wall, 95)));
line("decode FIT → Activity, median wall", ms(median(decode.wall)));
line("decode, median CPU", ms(median(decode.cpu)));
line("decode, p95 wall", ms(percentile(decode.wall, 95)));
console.log(
  `  load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} on ${availableParallelism()} cores: on a busy machine, trust the CPU figures over the wall-clock ones`,
);
