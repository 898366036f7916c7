/**
 * `pnpm bench:mapping`: how long the declarative mapping engine takes to map a one-hour workout recorded at
 * 1 Hz (3,600 samples each of heart rate, power, cadence, speed and position: 18,000 output samples), and
 * how that compares with the same mapping written by hand in TypeScript; then a Wahoo ride's seven sample
 * lists of text timestamps through the Wahoo connector, in a zone and without. Prints numbers, asserts nothing.
 */
import { isDeepStrictEqual } from "node:util";
import { parseArgs } from "node:util";
import { availableParallelism, loadavg } from "node:os";
import { getSchemaRegistry } from "@tributary/schemas";
import { compileMapping } from "@tributary/core/mapping";
import { fmt, percentile } from "./percentiles.ts";
import { handWrittenWorkout, oneHourWorkout, SAMPLES, workoutMapping } from "./mapping-workout.ts";
import { RIDE_SAMPLES, wahooMapper, wahooRide } from "./mapping-wahoo.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "300" } } });
const rounds = Math.max(50, Number(values.rounds));

const record = oneHourWorkout();
const mapping = compileMapping(workoutMapping, { name: "bench.workout" });
if (!mapping.synchronous) throw new Error("the benchmark mapping has no expression and should compile to the synchronous path");

const declarative = () => {
  const outcome = mapping.map(record);
  if (outcome instanceof Promise || outcome.kind !== "record") throw new Error("the benchmark mapping failed");
  return outcome.record;
};
const byHand = () => handWrittenWorkout(record);

// Both produce the same, valid, record: the comparison is of equal work.
const expected = byHand();
const actual = declarative();
if (!isDeepStrictEqual(actual, expected)) throw new Error("the declarative and hand-written mappings disagree");
const valid = getSchemaRegistry().validate("activity", actual);
if (!valid.ok) throw new Error(`the mapped workout is not a valid Terra activity: ${valid.issues.map((i) => i.message).join("; ")}`);

/** Per-run wall and CPU times, each sample the mean of a batch of runs (a run is ~1 ms: too short to time alone). */
function time(fn: () => unknown, batches: number, batch = 5): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let b = 0; b < batches; b++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6 / batch);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000 / batch);
  }
  return { wall, cpu };
}

for (let i = 0; i < 100; i++) {
  declarative();
  byHand();
}
// Interleaved blocks, so machine noise falls on both alike.
const declarativeTimes = { wall: [] as number[], cpu: [] as number[] };
const handTimes = { wall: [] as number[], cpu: [] as number[] };
for (let block = 0; block < 10; block++) {
  const d = time(declarative, Math.ceil(rounds / 50));
  const h = time(byHand, Math.ceil(rounds / 50));
  declarativeTimes.wall.push(...d.wall);
  declarativeTimes.cpu.push(...d.cpu);
  handTimes.wall.push(...h.wall);
  handTimes.cpu.push(...h.cpu);
}
const median = (xs: number[]) => percentile(xs, 50);
const runs = declarativeTimes.wall.length * 5;
console.log(`mapping a one-hour 1 Hz workout (${SAMPLES} samples × 5 series = ${SAMPLES * 5} output samples), ${runs} runs each, Node ${process.version}:`);
const mark = (ok: boolean) => (ok ? "✓" : "✗");
const declarativeMs = median(declarativeTimes.wall);
const declarativeCpuMs = median(declarativeTimes.cpu);
const ratio = median(handTimes.wall) / declarativeMs;
console.log(
  `  declarative (compiled MappingSpec):  median ${fmt(declarativeMs, 3)} ms wall, ${fmt(declarativeCpuMs, 3)} ms CPU   (target < 2 ms: wall ${mark(declarativeMs < 2)}, CPU ${mark(declarativeCpuMs < 2)})`,
);
console.log(`  hand-written TypeScript:             median ${fmt(median(handTimes.wall), 3)} ms wall, ${fmt(median(handTimes.cpu), 3)} ms CPU`);
console.log(
  `  ratio hand-written / declarative:    ${fmt(ratio, 2)} wall, ${fmt(median(handTimes.cpu) / median(declarativeTimes.cpu), 2)} CPU   (target ≥ 0.5 ${mark(ratio >= 0.5)})`,
);

// The Wahoo case: text timestamps read back (the decoded FIT file's, in UTC) and moved to the member's zone.
const mapWahoo = wahooMapper();
const inZone = wahooRide("Europe/Helsinki");
const withoutZone = wahooRide(undefined);
const first = (await mapWahoo(inZone)) as { heart_rate_data: { detailed: { hr_samples: { timestamp: string }[] } } };
if (first.heart_rate_data.detailed.hr_samples[RIDE_SAMPLES - 1]?.timestamp.slice(-6) !== "+03:00")
  throw new Error("the Wahoo ride was not moved to Helsinki's summer time");
/** Median CPU ms of one mapping of a ride, each sample the mean of a batch of 5. */
async function wahooCpu(record: Record<string, unknown>, batches: number): Promise<number[]> {
  const cpu: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < 5; i++) await mapWahoo(record);
    const used = process.cpuUsage(start);
    cpu.push((used.user + used.system) / 1000 / 5);
  }
  return cpu;
}
for (let i = 0; i < 20; i++) {
  await mapWahoo(inZone);
  await mapWahoo(withoutZone);
}
const zonedCpu: number[] = [];
const utcCpu: number[] = [];
for (let block = 0; block < 10; block++) {
  zonedCpu.push(...(await wahooCpu(inZone, Math.ceil(rounds / 150))));
  utcCpu.push(...(await wahooCpu(withoutZone, Math.ceil(rounds / 150))));
}
console.log(
  `mapping a one-hour 1 Hz Wahoo ride through connectors/wahoo (7 sample lists, ${RIDE_SAMPLES * 7} text timestamps read and rewritten), ${zonedCpu.length * 5} runs each:`,
);
console.log(`  in the member's zone (Europe/Helsinki, across its change to summer time):  median ${fmt(median(zonedCpu), 2)} ms CPU`);
console.log(`  without a zone (UTC):                                                       median ${fmt(median(utcCpu), 2)} ms CPU`);
console.log(`  load average ${cpusLoad()} on ${availableParallelism()} cores: on a busy machine, trust the CPU figures over the wall-clock ones`);

function cpusLoad(): string {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
}
