import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, connectorRun, inStableOrder, payloadOutline, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { CONNECTOR_DIR, JONAS, RECORDINGS_DIR, SLEEP_OF_THE_10TH, WEEK, whoop, WORKOUT } from "./whoop.ts";

/**
 * `recordings/` is Jonas's week of 9–15 March as the WHOOP API v2 answers it (shapes from WHOOP's v2
 * model: {records, next_token} collections of sleeps, cycles and workouts, each cycle's recovery, the body
 * measurement, the X-RateLimit headers): what `tributary connector run connectors/whoop --recorded
 * connectors/whoop/recordings --from 2026-03-09 --to 2026-03-16 --user 10129` replays.
 */
describe("WHOOP recordings", () => {
  let pull: PullResult;

  it("replay Jonas's week with no network: valid sleep, daily, activity and body records with the hand-computed values", async () => {
    const definition = whoop();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(14);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    pull = await pullAndMap(definition, client, { window: WEEK, providerUserId: JONAS });
    expect(pull.failures()).toEqual([]);
    const of = (dataType: string) =>
      pull.records.filter((r) => r.dataType === dataType).flatMap((r) => r.mapped.flatMap((m) => (m.kind === "record" ? [m.record as any] : [])));
    expect(of("sleep")).toHaveLength(8);
    expect(of("sleep").find((s) => s.metadata.summary_id === SLEEP_OF_THE_10TH).sleep_durations_data.asleep.duration_asleep_state_seconds).toBe(27396.493);
    expect(of("daily")).toHaveLength(7);
    expect(of("daily")[0]).toMatchObject({ strain_data: { strain_level: 7.8 }, calories_data: { total_burned_calories: 2004.9 }, scores: { recovery: 50 } });
    expect(of("activity").map((a) => a.metadata.summary_id)).toEqual([WORKOUT.run]);
    // WHOOP keeps no history of the body measurement: it is dated by when WHOOP answered (the recorded Date header).
    expect(of("body")[0].metadata).toMatchObject({ start_time: "2026-03-16T07:30:00.000000+00:00", end_time: "2026-03-16T07:30:00.000000+00:00" });
    expect(of("body")[0].measurements_data.measurements[0]).toMatchObject({
      measurement_time: "2026-03-16T07:30:00.000000+00:00",
      weight_kg: 90.7185,
      height_cm: 182.9,
    });
  });

  it("`tributary connector run` over them prints exactly those records, each payload valid", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-09", to: "2026-03-16", user: JONAS });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`✓ WHOOP: ${pull.delivered().length} valid records`);
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("`tributary connector run --pushes` fetches the sleep, the recovery's cycle and the workout each example names", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true });
    expect(run.code, run.stderr).toBe(0);
    expect(payloadOutline(run)).toEqual([
      ["sleep", [SLEEP_OF_THE_10TH]],
      // The recovery after that sleep: the cycle 93810 it belongs to, from its start.
      ["daily", ["2026-03-09T23:25:44.774000+01:00"]],
      ["activity", [WORKOUT.run]],
    ]);
    // 8388.297 kJ / 4.184 = 2004.85 kcal; the recovery of the cycle: score 50, resting 64 bpm.
    expect(run.records[1]).toMatchObject({
      calories_data: { total_burned_calories: 2004.9 },
      scores: { recovery: 50 },
      heart_rate_data: { summary: { resting_hr_bpm: 64 } },
    });
  }, 120_000);

  it("hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|client_secret/i);
  });
});
