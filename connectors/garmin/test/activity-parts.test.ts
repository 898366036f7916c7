import { describe, expect, it } from "vitest";
import { readPush, recordsOf } from "@tributary/core/authoring";
import type { ProviderRecord } from "@tributary/core/contracts";
import { fetchNotifiedRecords, type FetchAction } from "@tributary/core/ingress";
import { silentLogger } from "@tributary/core/log";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { createPluginRegistry } from "@tributary/core/registry";
import { memoryRecordParts, wholeRecords } from "@tributary/core/runtime";
import { createStreamExecutor } from "@tributary/core/streams";
import { connectorClient } from "@tributary/test-kit/connector";
import { garmin, NOOR, RECORDINGS_DIR, RIDE_ID } from "./garmin.ts";

const definition = garmin();
const webhook = definition.spec.webhook!;
const connector = createPluginRegistry([definition]).connector("GARMIN");
const USER = "terra-noor";
const connection = { userId: USER, provider: "GARMIN", referenceId: null, providerUserId: NOOR };

/** One part as the ingest worker gets it: the records a push carries, or those its ping URL answers (the recordings). */
interface Part {
  mapping: string;
  records: ProviderRecord[];
}

async function notified(example: number, eventType: string, change: (document: Record<string, unknown>) => Record<string, unknown> = (d) => d): Promise<Part> {
  const notification = readPush(webhook, webhook.examples![example]!.body).find((n) => n.eventType === eventType)!;
  const document = change(notification.document as Record<string, unknown>);
  const action = notification.action!;
  if (action.action === "records") return { mapping: action.mapping ?? "activity", records: recordsOf(action, document) as ProviderRecord[] };
  const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
  const fetched = await fetchNotifiedRecords(definition, action as FetchAction, document, {
    session: client.session({ variables: { provider_user_id: NOOR } }),
    executor: createStreamExecutor({ spec: definition.spec, log: silentLogger() }),
    connection: { userId: "noor", provider: definition.spec.name, providerUserId: NOOR },
  });
  return { mapping: fetched.mapping, records: fetched.records };
}

/** The same part with each record changed (another activity's, a revised one). */
const changed = (part: Part, change: (record: any) => unknown): Part => ({
  ...part,
  records: part.records.map((record) => change(structuredClone(record)) as ProviderRecord),
});

/** Parts arriving one after another for one user, each answering the Activity the runtime delivers then. */
function arrivals() {
  const store = memoryRecordParts();
  let at = 1_000;
  return async (part: Part): Promise<any> => {
    const normalized = await connector.normalize("activity", part.records, { connection, withSamples: true, log: silentLogger() }, part.mapping);
    expect(normalized.rejected).toEqual([]);
    const [record, ...more] = await wholeRecords(store, USER, "activity", normalized, (at += 1_000));
    expect(more).toEqual([]);
    return record;
  };
}

/** What one part alone maps to. */
const alone = (part: Part) => arrivals()(part);

// The run 21047391582 (2026-03-10 17:30 at +01:00, 43 min): its summary pushed (Activities), its details
// pinged (summary + five samples 10 s apart: heart rate 120…140), as the examples and recordings give them.
const runSummary = () => notified(6, "activities");
const runDetails = () => notified(2, "activityDetails");

describe("GARMIN: an activity in parts — its summary, its details, its FIT file — in any order", () => {
  it("summary only (an app with only the Activities endpoint): the activity's values, where it started, no samples", async () => {
    expect(await alone(await runSummary())).toEqual({
      metadata: {
        summary_id: "21047391582",
        name: "Berlin Running",
        type: 8,
        upload_type: 1,
        // 1773160200 = 2026-03-10T16:30:00Z; + 2580 s = 17:13Z
        start_time: "2026-03-10T17:30:00.000000+01:00",
        end_time: "2026-03-10T18:13:00.000000+01:00",
        timestamp_localization: 1,
      },
      device_data: { name: "forerunner965", manufacturer: "Garmin" },
      active_durations_data: { activity_seconds: 2580 },
      calories_data: { net_activity_calories: 561 },
      distance_data: { summary: { distance_meters: 7450.9, steps: 7702, elevation: { gain_actual_meters: 48, loss_actual_meters: 46.5 } } },
      heart_rate_data: { summary: { avg_hr_bpm: 148, max_hr_bpm: 172 } },
      movement_data: { avg_speed_meters_per_second: 2.888, max_speed_meters_per_second: 4.1, avg_cadence_rpm: 171.5 },
      position_data: { start_pos_lat_lng_deg: [52.52, 13.405] },
    });
    // The swim pinged from an app with only the Activities endpoint: LAP_SWIMMING 83, 08:15–08:45 at +01:00.
    const swim = await alone(await notified(7, "activities"));
    expect(swim.metadata).toMatchObject({
      summary_id: "21049920417",
      type: 83,
      start_time: "2026-03-11T08:15:00.000000+01:00",
      end_time: "2026-03-11T08:45:00.000000+01:00",
    });
    expect(swim.distance_data).toEqual({ summary: { distance_meters: 1500 } });
  });

  it("details only: the activity with its samples", async () => {
    const run = await alone(await runDetails());
    expect(run.metadata.summary_id).toBe("21047391582");
    expect(run.heart_rate_data.detailed.hr_samples.map((s: any) => s.bpm)).toEqual([120, 125, 130, 135, 140]);
  });

  it("summary → details: the summary is delivered, then the whole activity with its samples", async () => {
    const [summary, details] = [await runSummary(), await runDetails()];
    const arrive = arrivals();
    const first = await arrive(summary);
    expect(first).toEqual(await alone(summary));
    expect(first.heart_rate_data.detailed).toBeUndefined();
    // The summary's values are the details' summary: the whole is what the details alone map to.
    expect(await arrive(details)).toEqual(await alone(details));
  });

  it("details → summary: the summary after the details keeps their samples; where they differ (renamed in Garmin Connect) the newer part wins", async () => {
    const details = await runDetails();
    const renamed = changed(await runSummary(), (record) => ({ ...record, activityName: "Spree Loop" }));
    const arrive = arrivals();
    const first = await arrive(details);
    const second = await arrive(renamed);
    expect(second).toEqual({ ...first, metadata: { ...first.metadata, name: "Spree Loop" } });
    expect(second.heart_rate_data.detailed.hr_samples).toHaveLength(5);
    expect(second.position_data.position_samples).toHaveLength(5);
    // Sent again (a retried push), nothing is added: still five samples each.
    const third = await arrive(renamed);
    expect(third).toEqual(second);
    // The details sent again (revised: the last heart rate 141) replace their own part, not add to it.
    const revised = await arrive(changed(details, (record) => ((record.samples[4].heartRate = 141), record)));
    expect(revised.heart_rate_data.detailed.hr_samples.map((s: any) => s.bpm)).toEqual([120, 125, 130, 135, 141]);
    expect(revised.metadata.name).toBe("Berlin Running");
  });
});

// The ride 21051230001: its FIT file (60 one-second records from 2026-03-11T06:00:00Z, heart rate 120 + (i
// mod 10), power 180 + i), and a summary and details of the same ride made for these tests: ROAD_BIKING at
// +01:00, 15 kcal, two samples of heart rate and speed but none of power.
const rideFile = () => notified(3, "activityFiles");
const RIDE = {
  activityId: Number(RIDE_ID),
  activityName: "Morning Ride",
  activityType: "ROAD_BIKING",
  startTimeInSeconds: 1773208800,
  startTimeOffsetInSeconds: 3600,
};
const rideSummary = async () =>
  changed(await runSummary(), (record) => ({
    ...record,
    ...RIDE,
    summaryId: RIDE_ID,
    durationInSeconds: 60,
    distanceInMeters: 472,
    activeKilocalories: 15,
    averageHeartRateInBeatsPerMinute: 124,
    maxHeartRateInBeatsPerMinute: 129,
    deviceName: "edge1050",
  }));
const rideDetails = async () =>
  changed(await runDetails(), (record) => ({
    ...record,
    summaryId: `${RIDE_ID}-detail`,
    activityId: RIDE.activityId,
    summary: { ...record.summary, ...RIDE, durationInSeconds: 60, activeKilocalories: 15, deviceName: "edge1050" },
    samples: [
      { startTimeInSeconds: 1773208800, heartRate: 120, speedMetersPerSecond: 8.0 },
      { startTimeInSeconds: 1773208830, heartRate: 125, speedMetersPerSecond: 8.2 },
    ],
  }));

describe("GARMIN: an activity's FIT file as a part", () => {
  it("FIT file only: the decoded file is the activity", async () => {
    const ride = await alone(await rideFile());
    expect(ride.metadata).toMatchObject({ summary_id: RIDE_ID, name: "Morning Ride", type: 16, start_time: "2026-03-11T06:00:00.000000+00:00" });
    expect(ride.heart_rate_data.detailed.hr_samples).toHaveLength(60);
    expect(ride.power_data.power_samples).toHaveLength(60);
  });

  it("FIT file and summary, either order: the summary's values and local times, the file's samples and laps", async () => {
    const [file, summary] = [await rideFile(), await rideSummary()];
    const fileAlone = await alone(file);
    for (const order of [
      [file, summary],
      [summary, file],
    ]) {
      const arrive = arrivals();
      await arrive(order[0]!);
      const whole = await arrive(order[1]!);
      expect(whole.metadata).toEqual({
        summary_id: RIDE_ID,
        name: "Morning Ride",
        type: 16,
        upload_type: 1,
        // The summary's 06:00Z at +01:00, 60 s.
        start_time: "2026-03-11T07:00:00.000000+01:00",
        end_time: "2026-03-11T07:01:00.000000+01:00",
        timestamp_localization: 1,
      });
      expect(whole.calories_data.net_activity_calories).toBe(15);
      expect(whole.heart_rate_data.summary).toMatchObject({ avg_hr_bpm: 124, max_hr_bpm: 129 });
      expect(whole.device_data.name).toBe("edge1050");
      expect(whole.heart_rate_data.detailed).toEqual(fileAlone.heart_rate_data.detailed);
      expect(whole.power_data.power_samples).toEqual(fileAlone.power_data.power_samples);
      expect(whole.lap_data).toEqual(fileAlone.lap_data);
      expect(fileAlone.lap_data.laps).toHaveLength(1);
    }
  });

  it("FIT file and details, either order: one recording per list — the details' heart rate and speed, the file's power, never both added up", async () => {
    const [file, details] = [await rideFile(), await rideDetails()];
    const fileAlone = await alone(file);
    for (const order of [
      [file, details],
      [details, file],
    ]) {
      const arrive = arrivals();
      await arrive(order[0]!);
      const whole = await arrive(order[1]!);
      expect(whole.heart_rate_data.detailed.hr_samples.map((s: any) => [s.timestamp, s.bpm])).toEqual([
        ["2026-03-11T07:00:00.000000+01:00", 120],
        ["2026-03-11T07:00:30.000000+01:00", 125],
      ]);
      expect(whole.movement_data.speed_samples).toHaveLength(2);
      expect(whole.power_data.power_samples).toEqual(fileAlone.power_data.power_samples);
      expect(whole.lap_data).toEqual(fileAlone.lap_data);
      expect(fileAlone.lap_data.laps).toHaveLength(1);
    }
  });
});

/** Every Activity one part's records map to, one per record (several activities: a multisport's legs). */
async function eachAlone(part: Part): Promise<any[]> {
  const normalized = await connector.normalize("activity", part.records, { connection, withSamples: true, log: silentLogger() }, part.mapping);
  expect(normalized.rejected).toEqual([]);
  return normalized.valid as any[];
}

// Edits made in Garmin Connect (Manually Updated Activities): the whole summary again, as edited, under the
// activity's own summaryId. Its `manual` is true for any edit, a watch's recording too: it says the activity
// was edited, not that it was typed in by hand.
const runEdited = () => notified(8, "manuallyUpdatedActivities");
// The ping's answer (recordings 0008): the swim 21049920417 renamed "Morning Laps" (fenix8), and a strength
// session typed in by hand (no device), 12:00–12:45 at +01:00 on 2026-03-11, renamed "Leg Day".
const pingedEdits = () => notified(9, "manuallyUpdatedActivities");
const only = (part: Part, summaryId: string): Part => ({ ...part, records: part.records.filter((record: any) => record.summaryId === summaryId) });

describe("GARMIN: an activity edited in Garmin Connect (manuallyUpdatedActivities) — a newer version of the same Activity", () => {
  it("push: summary → details → the edit: the same activity renamed and retyped, its samples kept, still a device's recording", async () => {
    const arrive = arrivals();
    await arrive(await runSummary());
    const whole = await arrive(await runDetails());
    const edited = await arrive(await runEdited());
    // TRAIL_RUNNING 149; the edit says manual: true, yet the run is the Forerunner's recording (upload type 1).
    expect(edited).toEqual({ ...whole, metadata: { ...whole.metadata, name: "Tempelhof Trail", type: 149, upload_type: 1 } });
    expect(edited.metadata.summary_id).toBe("21047391582");
    expect(edited.heart_rate_data.detailed.hr_samples).toHaveLength(5);
  });

  it("push: the edit, then the details as Garmin sends them since (the edited summary): one activity; a second edit replaces the first", async () => {
    const arrive = arrivals();
    const edit = await runEdited();
    await arrive(edit);
    const editedSummary = edit.records[0] as any;
    const whole = await arrive(
      changed(await runDetails(), (record) => ({
        ...record,
        summary: { ...record.summary, activityName: editedSummary.activityName, activityType: editedSummary.activityType },
      })),
    );
    expect(whole.metadata).toMatchObject({ summary_id: "21047391582", name: "Tempelhof Trail", type: 149, upload_type: 1 });
    expect(whole.heart_rate_data.detailed.hr_samples).toHaveLength(5);
    // The edit replaces the summary's part (the same summaryId): renamed again, the newest name, nothing added.
    const renamedAgain = await arrive(changed(edit, (record) => ({ ...record, activityName: "Feldrunde" })));
    expect(renamedAgain).toEqual({ ...whole, metadata: { ...whole.metadata, name: "Feldrunde" } });
  });

  it("ping: the swim's summary → its edit: renamed, one activity; a hand-typed session's edit alone is Manual (upload type 2)", async () => {
    const edits = await pingedEdits();
    const arrive = arrivals();
    const swim = await arrive(await notified(7, "activities"));
    const renamed = await arrive(only(edits, "21049920417"));
    expect(renamed).toEqual({ ...swim, metadata: { ...swim.metadata, name: "Morning Laps" } });
    expect(renamed.metadata.upload_type).toBe(1);
    // 1773226800 = 2026-03-11T11:00:00Z → 12:00 at +01:00; + 2700 s = 12:45. STRENGTH_TRAINING 80.
    expect(await alone(only(edits, "21052440003"))).toEqual({
      metadata: {
        summary_id: "21052440003",
        name: "Leg Day",
        type: 80,
        upload_type: 2,
        start_time: "2026-03-11T12:00:00.000000+01:00",
        end_time: "2026-03-11T12:45:00.000000+01:00",
        timestamp_localization: 1,
      },
      device_data: { manufacturer: "Garmin" },
      active_durations_data: { activity_seconds: 2700 },
      calories_data: { net_activity_calories: 240 },
    });
  });
});

// The duathlon pinged (recordings 0009): the parent (MULTI_SPORT, isParent, 30 km, 1100 kcal, 07:00–08:30 at
// +01:00) and its legs, each naming it as parentSummaryId — run 5 km 350 kcal, ride 20 km 550 kcal, run 5 km
// 200 kcal: the parent's totals are theirs added up.
const duathlon = () => notified(10, "activities");

describe("GARMIN: a multisport activity — each leg its own Activity, the parent (their sum) not delivered", () => {
  for (const mode of ["ping", "push"] as const) {
    it(`${mode}: three legs with their own types and times, nothing under the parent's id, the distances and calories counted once`, async () => {
      const pinged = await duathlon();
      const part = mode === "ping" ? pinged : await pushedAs("activities", pinged.records);
      const legs = await eachAlone(part);
      expect(legs.map((leg) => [leg.metadata.summary_id, leg.metadata.type, leg.metadata.start_time, leg.metadata.end_time])).toEqual([
        ["21053310001", 8, "2026-03-12T07:00:00.000000+01:00", "2026-03-12T07:25:00.000000+01:00"],
        ["21053310002", 16, "2026-03-12T07:25:00.000000+01:00", "2026-03-12T08:10:00.000000+01:00"],
        ["21053310003", 8, "2026-03-12T08:10:00.000000+01:00", "2026-03-12T08:30:00.000000+01:00"],
      ]);
      expect(legs.reduce((sum, leg) => sum + leg.distance_data.summary.distance_meters, 0)).toBe(30000);
      expect(legs.reduce((sum, leg) => sum + leg.calories_data.net_activity_calories, 0)).toBe(1100);
    });
  }

  it("the parent's details (activityDetails, isParent under summary) are not delivered either; a leg's details are", async () => {
    const [parent, firstLeg] = (await duathlon()).records as any[];
    const details = (summary: any) => ({ userId: NOOR, summaryId: `${summary.summaryId}-detail`, activityId: summary.activityId, summary, samples: [] });
    const part = await pushedAs("activityDetails", [details(parent), details(firstLeg)]);
    expect((await eachAlone(part)).map((activity) => activity.metadata.summary_id)).toEqual(["21053310001"]);
  });
});

/** Records pushed under one summary type (push mode), as the webhook's rules map them. */
async function pushedAs(eventType: string, records: ProviderRecord[]): Promise<Part> {
  const part: Part = { mapping: "activity", records: [] };
  for (const { action, document } of readPush(webhook, { [eventType]: records })) {
    expect(action?.action).toBe("records");
    if (action?.action !== "records") continue;
    part.mapping = action.mapping ?? "activity";
    part.records.push(...(recordsOf(action, document) as ProviderRecord[]));
  }
  return part;
}
