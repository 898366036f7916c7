import { sandboxTerraRecords } from "./src/index.ts";
const range = { start: new Date("2026-09-01T00:00:00Z"), end: new Date("2026-09-04T00:00:00Z") };
for (const type of ["activity", "sleep", "daily", "body", "nutrition", "menstruation", "athlete"] as const) {
  const recs = [...sandboxTerraRecords(type, { userId: process.argv[2] ?? "u1", range, withSamples: false })];
  const r = recs[0] as any;
  if (type === "nutrition" && r) r.meals = r.meals.slice(0, 1);
  console.log("==", type, recs.length);
  console.log(JSON.stringify(r));
}
