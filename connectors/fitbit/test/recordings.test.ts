import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, connectorRun, inStableOrder, payloadOutline, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { CONNECTOR_DIR, fitbit, LENA, RECORDINGS_DIR, WEEK } from "./fitbit.ts";

/**
 * `recordings/` is Lena's week of 9–15 March as the Fitbit Web API answers it (shapes from Fitbit's
 * reference: the exercise list with its pagination, day summaries, intraday heart rate, sleep v1.2 with
 * stages, weight and food logs, the profile, the Fitbit-Rate-Limit headers): what `tributary connector run
 * connectors/fitbit --recorded connectors/fitbit/recordings --from 2026-03-09 --to 2026-03-16 --user GGNJL9`
 * replays.
 */
describe("FITBIT recordings", () => {
  let pull: PullResult;

  it("replay Lena's week with no network: valid records of every type with the hand-computed values", async () => {
    const definition = fitbit();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(29);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    pull = await pullAndMap(definition, client, { window: WEEK, providerUserId: LENA });
    expect(pull.failures()).toEqual([]);
    const of = (dataType: string) =>
      pull.records.filter((r) => r.dataType === dataType).flatMap((r) => r.mapped.flatMap((m) => (m.kind === "record" ? [m.record as any] : [])));
    expect(of("daily")).toHaveLength(7);
    const tenth = of("daily").find((d) => d.metadata.start_time.startsWith("2026-03-10"));
    expect(tenth.distance_data).toMatchObject({ steps: 8500, distance_meters: 6380 });
    expect(tenth.heart_rate_data.detailed.hr_samples).toHaveLength(1440);
    expect(of("sleep").map((s) => s.metadata.start_time)).toEqual(["2026-03-09T23:21:30.000000+01:00", "2026-03-14T14:05:00.000000+01:00"]);
    expect(of("nutrition")).toHaveLength(1);
    expect(of("nutrition")[0].summary.macros.calories).toBe(825);
    // The recorded list page also holds the walk of the 30th, past the week: left out.
    expect(of("activity").map((a) => a.metadata.summary_id)).toEqual(["52402113305"]);
  });

  it("`tributary connector run` over them prints exactly those records, each payload valid", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-09", to: "2026-03-16", user: LENA });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`✓ FITBIT: ${pull.delivered().length} valid records`);
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("`tributary connector run --pushes` pulls the days each example push names (the day before and after too): every pull answered", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true });
    expect(run.code, run.stderr).toBe(0);
    // activities of the 10th: the days 9–11 (no exercise logged then); sleep of the 10th: the night into the
    // 10th; body of the 18th: the manual weigh-in; foods of the 11th: the only day of 10–12 with a meal.
    expect(payloadOutline(run)).toEqual([
      ["daily", ["2026-03-09T00:00:00.000000+01:00", "2026-03-10T00:00:00.000000+01:00", "2026-03-11T00:00:00.000000+01:00"]],
      ["sleep", ["26013218219"]],
      ["body", ["2026-03-18T06:30:00.000000+01:00"]],
      ["nutrition", ["2026-03-11T00:00:00.000000+01:00"]],
    ]);
    expect((run.records[4] as any).measurements_data.measurements[0].weight_kg).toBe(63.8);
  }, 120_000);

  it("hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|client_secret/i);
  });
});
