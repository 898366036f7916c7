import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, connectorRun, inStableOrder, payloadOutline, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { CONNECTOR_DIR, KAI, NIGHT_OF_THE_10TH, NOOR, oura, RECORDINGS_DIR, WEEK, WORKOUT } from "./oura.ts";

/**
 * `recordings/` is Noor's week of 9–15 March as the Oura API v2 answers it (shapes from Oura's OpenAPI
 * examples: {data, next_token} lists of sleep periods, daily activity, readiness, daily sleep, workouts,
 * heart rate): what `tributary connector run connectors/oura --recorded connectors/oura/recordings --from
 * 2026-03-09 --to 2026-03-16 --user 2c9f6a1e-oura-0001` replays.
 */
describe("OURA recordings", () => {
  let pull: PullResult;

  it("replay Noor's week with no network: valid sleep, daily and activity records with the hand-computed values", async () => {
    const definition = oura();
    const recordings = await loadRecordings(RECORDINGS_DIR);
    expect(recordings.files).toHaveLength(39);
    const client = connectorClient(definition, { transport: recordedTransport(recordings) });
    pull = await pullAndMap(definition, client, { window: WEEK, providerUserId: NOOR });
    expect(pull.failures()).toEqual([]);
    const delivered = pull.delivered() as any[];
    const night = delivered.find((record) => record.metadata.summary_id === NIGHT_OF_THE_10TH);
    expect(night.heart_rate_data.detailed.hr_samples).toHaveLength(99);
    expect(night.sleep_durations_data.hypnogram_samples).toHaveLength(100);
    const tenth = delivered.find((record) => record.metadata.start_time === "2026-03-10T04:00:00.000000+01:00");
    expect(tenth.scores).toEqual({ activity: 80, recovery: 70, sleep: 63 });
    expect(tenth.MET_data.MET_samples).toHaveLength(1440);
    const ride = delivered.find((record) => record.metadata.summary_id === WORKOUT.ride);
    expect(ride.heart_rate_data.summary).toEqual({ avg_hr_bpm: 129.5, max_hr_bpm: 149, min_hr_bpm: 110 });
    // 7 nights and a nap, 7 days, the ride
    expect(delivered).toHaveLength(16);
  });

  it("`tributary connector run` over them prints exactly those records, each payload valid", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-09", to: "2026-03-16", user: NOOR });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`✓ OURA: ${pull.delivered().length} valid records`);
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("`tributary connector run --pushes` fetches the sleep and workout each example names and pulls the scored day (the day before and after too)", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true });
    expect(run.code, run.stderr).toBe(0);
    expect(payloadOutline(run)).toEqual([
      ["sleep", [NIGHT_OF_THE_10TH]],
      ["activity", [WORKOUT.ride]],
      ["daily", ["2026-03-09T04:00:00.000000+01:00", "2026-03-10T04:00:00.000000+01:00", "2026-03-11T04:00:00.000000+01:00"]],
    ]);
    // The same document as the week's pull maps it.
    expect(run.records[0]).toEqual(pull.delivered().find((record: any) => record.metadata.summary_id === NIGHT_OF_THE_10TH));
  }, 120_000);

  it("replay Kai's days around New York's 2026 clock changes: each day ends when the next starts, 23 and 25 hours", async () => {
    const definition = oura();
    const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
    const days = async (start: string, end: string) => {
      const pulled = await pullAndMap(definition, client, {
        window: { start: new Date(start), end: new Date(end) },
        providerUserId: KAI,
        streams: ["daily_activity"],
      });
      expect(pulled.failures()).toEqual([]);
      return (pulled.delivered() as any[]).map((day) => [day.metadata.start_time, day.metadata.end_time]);
    };
    // EST (-05:00) until 2026-03-08 02:00, then EDT (-04:00): the day from 4 am on the 7th lasts 23 hours.
    expect(await days("2026-03-06T00:00:00Z", "2026-03-09T00:00:00Z")).toEqual([
      ["2026-03-06T04:00:00.000000-05:00", "2026-03-07T04:00:00.000000-05:00"],
      ["2026-03-07T04:00:00.000000-05:00", "2026-03-08T04:00:00.000000-04:00"],
      ["2026-03-08T04:00:00.000000-04:00", "2026-03-09T04:00:00.000000-04:00"],
    ]);
    // EDT until 2026-11-01 02:00, then EST: the day from 4 am on 31 October lasts 25 hours.
    expect(await days("2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z")).toEqual([
      ["2026-10-31T04:00:00.000000-04:00", "2026-11-01T04:00:00.000000-05:00"],
      ["2026-11-01T04:00:00.000000-05:00", "2026-11-02T04:00:00.000000-05:00"],
      ["2026-11-02T04:00:00.000000-05:00", "2026-11-03T04:00:00.000000-05:00"],
    ]);
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-10-31", to: "2026-11-03", user: KAI });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("✓ OURA: 3 valid records");
  }, 120_000);

  it("hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|client_secret/i);
  });
});
