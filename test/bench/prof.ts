import { compileMapping } from "@tributary/core/mapping";
import { oneHourWorkout, workoutMapping } from "./mapping-workout.ts";
const r = oneHourWorkout();
const m = compileMapping(workoutMapping);
for (let i = 0; i < 50; i++) m.map(r);
const c0 = process.cpuUsage(); const t = performance.now();
for (let i = 0; i < 500; i++) m.map(r);
const c = process.cpuUsage(c0);
console.log("wall/round", ((performance.now() - t) / 500).toFixed(3), "cpu/round", ((c.user + c.system) / 1000 / 500).toFixed(3));
