import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createRecordMapper, readPush, recordsOf } from "@tributary/core/authoring";
import { checkWebhookVerification, fetchNotifiedRecords, type FetchAction } from "@tributary/core/ingress";
import { silentLogger } from "@tributary/core/log";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { createStreamExecutor } from "@tributary/core/streams";
import { connectorClient, connectorRun, connectToMock, mockClient } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import {
  aboutBrokenRide,
  BROKEN_RIDE_ID,
  brokenRideFit,
  CONNECTOR_DIR,
  FIXTURES_DIR,
  garmin,
  garminFixtures,
  NOOR,
  RECORDINGS_DIR,
  RIDE_ID,
  rideFit,
} from "./garmin.ts";

const definition = garmin();
const webhook = definition.spec.webhook!;
const mapper = createRecordMapper(definition, { userId: "terra-noor", providerUserId: NOOR });
const NOOR_CONNECTION = { userId: "terra-noor", provider: definition.spec.name, providerUserId: NOOR };

/** A ping's URLs fetched over the recordings (what Garmin answers at them), each record mapped. */
async function fetchPing(url: string, dataType: string): Promise<any[]> {
  const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
  const executor = createStreamExecutor({ spec: definition.spec, log: silentLogger() });
  const records = await executor.fetchUrl(url, { session: client.session({ variables: { provider_user_id: NOOR } }) });
  const out: any[] = [];
  for (const record of records)
    for (const outcome of await mapper.map(dataType, dataType, record)) out.push(outcome.kind === "record" ? outcome.record : outcome);
  return out;
}

/** A session on the Garmin mock with Noor's token, as the ingest worker has one; its exchanges kept. */
async function mockSession() {
  const fixtures = await garminFixtures(definition);
  const mock = await startMockProvider(definition.spec, fixtures);
  const connection = await connectToMock(mock, fixtures.users.find((user) => String(user.id) === NOOR)!);
  const { provider, exchanges } = mockClient(definition, mock);
  return { exchanges, session: provider.session({ credentials: connection.credentials, variables: { provider_user_id: NOOR } }) };
}

/**
 * Garmin's pushes: one POST with lists under keys naming the summary type, no signature. Push mode carries
 * the records; ping mode carries a callbackURL on Garmin's host naming the upload window, fetched with the
 * user's token; deregistrations end the connection.
 */
describe("GARMIN pushes and pings", () => {
  it("the mock posts each example as Garmin does; every notification names its user and selects its action", async () => {
    const mock = await startMockProvider(definition.spec, await garminFixtures(definition));
    const received: ReturnType<typeof readPush> = [];
    const server = createServer(async (request, response) => {
      received.push(...readPush(webhook, JSON.parse((await readBody(request)).toString("utf8"))));
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/GARMIN`;
    for (let i = 0; i < webhook.examples!.length; i++) expect((await mock.pushExample(callback, i, { secret: "" })).status).toBe(200);
    expect(received.map((n) => [n.eventType, n.providerUserId, n.action?.action])).toEqual([
      ["dailies", NOOR, "records"],
      ["sleeps", NOOR, "pull_url"],
      ["dailies", NOOR, "pull_url"],
      ["activityDetails", NOOR, "pull_url"],
      ["epochs", NOOR, "pull_url"],
      ["userMetrics", NOOR, "pull_url"],
      ["activityFiles", NOOR, "pull_url"],
      ["epochs", NOOR, "records"],
      ["deregistrations", NOOR, "deauth"],
      ["activities", NOOR, "records"],
      ["activities", NOOR, "pull_url"],
      ["manuallyUpdatedActivities", NOOR, "records"],
      ["manuallyUpdatedActivities", NOOR, "pull_url"],
      ["activities", NOOR, "pull_url"],
      ["userPermissionsChange", NOOR, "permissions"],
    ]);
    // One POST may carry several types and several users; an unknown type is acknowledged.
    const mixed = readPush(webhook, {
      epochs: [{ userId: NOOR, summaryId: "e1" }],
      hrv: [{ userId: NOOR, summaryId: "h1" }],
      bodyComps: [
        { userId: NOOR, summaryId: "b1", measurementTimeInSeconds: 1773126000 },
        { userId: "other", summaryId: "b2", measurementTimeInSeconds: 1773126000 },
      ],
    });
    expect(mixed.map((n) => [n.eventType, n.providerUserId, n.action?.action])).toEqual([
      ["epochs", NOOR, "records"],
      ["hrv", NOOR, "ignore"],
      ["bodyComps", NOOR, "records"],
      ["bodyComps", "other", "records"],
    ]);
  });

  it("passes the ingress's verification checks for an unsigned provider", () => {
    const checks = checkWebhookVerification(definition);
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(checks.length).toBeGreaterThan(0);
  });

  it("push mode: a daily summary → Daily, the day at its offset, calories = active + BMR", async () => {
    const [notification] = readPush(webhook, webhook.examples![0]!.body);
    const [record] = recordsOf(notification!.action as Parameters<typeof recordsOf>[0], notification!.document);
    const [outcome] = await mapper.map("daily", "daily", record as Record<string, unknown>);
    // 1773010800 = 2026-03-08T23:00:00Z, midnight at +01:00
    expect(outcome).toMatchObject({
      kind: "record",
      record: {
        metadata: { start_time: "2026-03-09T00:00:00.000000+01:00", end_time: "2026-03-10T00:00:00.000000+01:00", upload_type: 1 },
        calories_data: { net_activity_calories: 512, BMR_calories: 1690, total_burned_calories: 2202 },
        distance_data: { steps: 9240, distance_meters: 7101.3, floors_climbed: 9 },
        heart_rate_data: { summary: { resting_hr_bpm: 54 } },
        stress_data: { avg_stress_level: 31 },
      },
    });
  });

  it("ping mode: the sleeps callbackURL answers the night → Sleep with its stages in time order and SpO2", async () => {
    const [ping] = readPush(webhook, webhook.examples![1]!.body);
    const url = (ping!.document as { callbackURL: string }).callbackURL;
    const [night] = await fetchPing(url, "sleep");
    // 1773093600 = 2026-03-09T22:00:00Z, 23:00 at +01:00; 27000 s later 06:30
    expect(night.metadata).toEqual({
      summary_id: "x15372ea-69af42e0-6978",
      start_time: "2026-03-09T23:00:00.000000+01:00",
      end_time: "2026-03-10T06:30:00.000000+01:00",
      is_nap: false,
      upload_type: 2,
      timestamp_localization: 1,
    });
    expect(night.sleep_durations_data.asleep).toEqual({
      duration_asleep_state_seconds: 5400 + 13500 + 6300,
      duration_deep_sleep_state_seconds: 5400,
      duration_light_sleep_state_seconds: 13500,
      duration_REM_sleep_state_seconds: 6300,
    });
    // awake +0, light +600, deep +8700, light +14100, REM +19500, awake +25800 seconds
    expect(night.sleep_durations_data.hypnogram_samples.map((s: any) => [s.timestamp.slice(11, 16), s.level])).toEqual([
      ["23:00", 1],
      ["23:10", 4],
      ["01:25", 5],
      ["02:55", 4],
      ["04:25", 6],
      ["06:10", 1],
    ]);
    expect(night.respiration_data.oxygen_saturation_data.samples.map((s: any) => [s.timestamp.slice(11, 16), s.percentage])).toEqual([
      ["23:00", 95],
      ["00:00", 94],
      ["01:00", 96],
    ]);
    expect(night.scores).toEqual({ sleep: 84 });
  });

  it("ping mode: activityDetails → Activity with its samples; dailies → Daily with its 15-second heart rate", async () => {
    const [dailies, activityDetails] = readPush(webhook, webhook.examples![2]!.body).map((ping) => (ping.document as { callbackURL: string }).callbackURL);
    const [run] = await fetchPing(activityDetails!, "activity");
    // 1773160200 = 2026-03-10T16:30:00Z; 2580 s = 43 min
    expect(run.metadata).toEqual({
      // The activity's id (its details' summaryId is "21047391582-detail"), which its FIT file shares.
      summary_id: "21047391582",
      name: "Berlin Running",
      type: 8,
      upload_type: 1,
      start_time: "2026-03-10T17:30:00.000000+01:00",
      end_time: "2026-03-10T18:13:00.000000+01:00",
      timestamp_localization: 1,
    });
    expect(run.distance_data.summary).toEqual({ distance_meters: 7450.9, steps: 7702, elevation: { gain_actual_meters: 48, loss_actual_meters: 46.5 } });
    expect(run.heart_rate_data.detailed.hr_samples.map((s: any) => s.bpm)).toEqual([120, 125, 130, 135, 140]);
    expect(run.distance_data.detailed.distance_samples[4]).toEqual({
      timestamp: "2026-03-10T17:30:40.000000+01:00",
      distance_meters: 124,
      timer_duration_seconds: 40,
    });
    expect(run.movement_data).toMatchObject({ avg_speed_meters_per_second: 2.888, max_speed_meters_per_second: 4.1, avg_cadence_rpm: 171.5 });
    expect(run.movement_data.cadence_samples.map((s: any) => s.cadence_rpm)).toEqual([170, 171, 172, 173, 174]);
    expect(run.position_data.start_pos_lat_lng_deg).toEqual([52.52, 13.405]);
    expect(run.position_data.end_pos_lat_lng_deg).toEqual(run.position_data.position_samples.at(-1).coords_lat_lng_deg);
    expect(run.device_data).toEqual({ name: "forerunner965", manufacturer: "Garmin" });

    const [day] = await fetchPing(dailies!, "daily");
    expect(day.metadata.start_time).toBe("2026-03-10T00:00:00.000000+01:00");
    expect(day.calories_data.total_burned_calories).toBe(640 + 1702);
    expect(day.heart_rate_data.detailed.hr_samples).toEqual([
      { timestamp: "2026-03-10T00:00:00.000000+01:00", bpm: 58 },
      { timestamp: "2026-03-10T00:00:15.000000+01:00", bpm: 57 },
      { timestamp: "2026-03-10T00:00:30.000000+01:00", bpm: 56 },
    ]);
    expect(day.active_durations_data).toEqual({ activity_seconds: 6120, moderate_intensity_seconds: 1800, vigorous_intensity_seconds: 960 });
  });

  it("`tributary connector run --pushes` over the recordings fetches every ping URL of the examples and prints those hand-checked records, a day's parts as one Daily", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true, user: NOOR });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("✓ GARMIN: 12 valid records");
    // The night; the day's summary; the run; the day again with its epochs, and again with its user metrics; the ride's FIT file; the swim's summary.
    // Then the edits (the swim renamed, a hand-typed session) and the duathlon's three legs.
    expect(run.payloads.map((payload) => payload.type)).toEqual([
      "sleep",
      "daily",
      "activity",
      "daily",
      "daily",
      "activity",
      "activity",
      "activity",
      "activity",
    ]);
    const [night, summary, run1, withEpochs, wholeDay, ride, swim, swimEdited, legDay, ...legs] = run.records as any[];
    const [sleeps, dailies, activityDetails] = readPush(webhook, webhook.examples![1]!.body)
      .concat(readPush(webhook, webhook.examples![2]!.body))
      .map((ping) => (ping.document as { callbackURL: string }).callbackURL);
    expect(night).toEqual((await fetchPing(sleeps!, "sleep"))[0]);
    expect(summary).toEqual((await fetchPing(dailies!, "daily"))[0]);
    expect(run1).toEqual((await fetchPing(activityDetails!, "activity"))[0]);

    // 2026-03-10 at +01:00: the summary's values, and the epochs' samples at 08:30 (sitting 300 s, walking
    // 600 s) and 08:45 (running 900 s) — nothing of the epochs added to the summary's totals.
    const slices = [
      ["08:30", 1, 2, 300],
      ["08:30", 3.3, 3, 600],
      ["08:45", 9.8, 5, 900],
    ] as const;
    const at = (hhmm: string) => `2026-03-10T${hhmm}:00.000000+01:00`;
    expect(withEpochs).toEqual({
      ...summary,
      MET_data: { MET_samples: slices.map(([time, level]) => ({ timestamp: at(time), level })) },
      active_durations_data: {
        ...summary.active_durations_data,
        activity_levels_samples: slices.map(([time, , activity_level, timer_duration_seconds]) => ({
          timestamp: at(time),
          activity_level,
          timer_duration_seconds,
        })),
      },
    });
    expect(withEpochs.distance_data.steps).toBe(11873);
    // The user metrics' VO2 max joins; the day keeps the summary's start at +01:00, not the calendar date's UTC midnight.
    expect(wholeDay).toEqual({ ...withEpochs, oxygen_data: { vo2max_ml_per_min_per_kg: 48 } });
    expect(wholeDay.metadata).toEqual({ start_time: at("00:00"), end_time: "2026-03-11T00:00:00.000000+01:00", upload_type: 1, timestamp_localization: 1 });

    expect(ride.metadata).toMatchObject({
      summary_id: RIDE_ID,
      name: "Morning Ride",
      type: 16,
      upload_type: 1,
      start_time: "2026-03-11T06:00:00.000000+00:00",
    });
    // The swim's summary alone (an app with only the Activities endpoint): its values, no samples.
    expect(swim.metadata).toMatchObject({ summary_id: "21049920417", name: "Pool Swim", type: 83, start_time: "2026-03-11T08:15:00.000000+01:00" });
    expect(swim.heart_rate_data).toEqual({ summary: { avg_hr_bpm: 132, max_hr_bpm: 151 } });
    // The edits pinged: the swim renamed (the same activity again, a device's recording), a hand-typed session.
    expect(swimEdited).toEqual({ ...swim, metadata: { ...swim.metadata, name: "Morning Laps" } });
    expect(legDay.metadata).toMatchObject({ summary_id: "21052440003", name: "Leg Day", type: 80, upload_type: 2 });
    // The duathlon pinged: its three legs (run 8, road ride 16, run 8), not the parent.
    expect(legs.map((leg) => [leg.metadata.summary_id, leg.metadata.type])).toEqual([
      ["21053310001", 8],
      ["21053310002", 16],
      ["21053310003", 8],
    ]);
  }, 120_000);

  it("activityFiles: the FIT file behind the callbackURL, decoded → the ride as an Activity under Garmin's activity id; the fixtures serve the encoder's bytes", async () => {
    const { session, exchanges } = await mockSession();
    const [files] = readPush(webhook, webhook.examples![3]!.body).filter((n) => n.eventType === "activityFiles");
    const action = files!.action as FetchAction;
    const fetched = await fetchNotifiedRecords(definition, action, files!.document, {
      session,
      executor: createStreamExecutor({ spec: definition.spec, log: silentLogger() }),
      connection: NOOR_CONNECTION,
    });
    expect(fetched.rejected).toBeUndefined();
    const [outcome] = await mapper.map(fetched.mapping, "activity", fetched.records[0]!);
    const ride = (outcome as { record: any }).record;
    // 60 one-second records from 06:00:00Z: heart rate 120 + (i mod 10), power 180 + i, 8 m a second.
    expect(ride.metadata).toMatchObject({
      summary_id: RIDE_ID,
      name: "Morning Ride",
      type: 16,
      start_time: "2026-03-11T06:00:00.000000+00:00",
      end_time: "2026-03-11T06:01:00.000000+00:00",
    });
    expect(ride.heart_rate_data.detailed.hr_samples.map((s: any) => s.bpm).slice(0, 11)).toEqual([120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 120]);
    expect(ride.power_data.power_samples.at(-1)).toMatchObject({ timestamp: "2026-03-11T06:00:59.000000+00:00", watts: 239 });
    expect(ride.distance_data.detailed.distance_samples.at(-1)).toMatchObject({ distance_meters: 472 });
    expect(ride.position_data.position_samples[0].coords_lat_lng_deg.map((d: number) => Math.round(d * 10000) / 10000)).toEqual([52.52, 13.405]);
    // The file came from Garmin's host (the mock), with the user's token.
    expect(exchanges.map((exchange) => [new URL(exchange.url).pathname, exchange.status])).toEqual([["/wellness-api/rest/activityFile", 200]]);

    const base64 = rideFit().toString("base64");
    const urls = JSON.parse(readFileSync(join(FIXTURES_DIR, "urls.json"), "utf8")) as Array<{ query?: { id?: string }; bodyBase64?: string }>;
    expect(urls.find((answer) => answer.query?.id === RIDE_ID)?.bodyBase64).toBe(base64);
    expect(urls.find((answer) => answer.query?.id === BROKEN_RIDE_ID)?.bodyBase64).toBe(brokenRideFit().toString("base64"));
    const recorded = (await loadRecordings(RECORDINGS_DIR)).files.find((file) => file.exchange.request.path === "/wellness-api/rest/activityFile");
    expect(recorded?.exchange.response.bodyBase64).toBe(base64);
  });

  it("activityFiles: a file that does not decode is rejected with the reason and the file, for quarantine — nothing of it is mapped", async () => {
    const { session } = await mockSession();
    const [files] = readPush(webhook, webhook.examples![3]!.body).filter((n) => n.eventType === "activityFiles");
    const broken = aboutBrokenRide(files!.document as Record<string, unknown>);
    const fetched = await fetchNotifiedRecords(definition, files!.action as FetchAction, broken, {
      session,
      executor: createStreamExecutor({ spec: definition.spec, log: silentLogger() }),
      connection: NOOR_CONNECTION,
    });
    expect(fetched.records).toEqual([]);
    expect(fetched.rejected).toEqual([
      {
        record: null,
        raw: { ...broken, fit: { size_bytes: 100, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), fit_base64: brokenRideFit().toString("base64") } },
        issues: [
          {
            path: "/fit",
            rule: "decode",
            message: expect.stringMatching(
              /^the FIT file at https:\/\/apis\.garmin\.com\/wellness-api\/rest\/activityFile: the answer is not a readable FIT activity file \(ERR_FIT_/,
            ),
          },
        ],
      },
    ]);
    // A TCX or GPX file is acknowledged, not fetched.
    const [tcx] = readPush(webhook, { activityFiles: [{ ...broken, fileType: "TCX" }] });
    expect(tcx!.action).toMatchObject({ action: "ignore" });
  });

  it("a pushed body composition and menstrual cycle record map to Body and Menstruation", async () => {
    const [body] = await mapper.map("body", "body", {
      userId: NOOR,
      summaryId: "b1",
      measurementTimeInSeconds: 1773126000,
      measurementTimeOffsetInSeconds: 3600,
      weightInGrams: 70250,
      bodyFatInPercent: 19.5,
      bodyWaterInPercent: 55.2,
      muscleMassInGrams: 31200,
      boneMassInGrams: 3100,
      bodyMassIndex: 22.4,
    });
    expect(body).toMatchObject({
      kind: "record",
      record: {
        metadata: { start_time: "2026-03-10T08:00:00.000000+01:00" },
        measurements_data: {
          measurements: [{ weight_kg: 70.25, bodyfat_percentage: 19.5, water_percentage: 55.2, muscle_mass_g: 31200, bone_mass_g: 3100, BMI: 22.4 }],
        },
      },
    });
    const [cycle] = await mapper.map("menstruation", "menstruation", {
      userId: NOOR,
      summaryId: "m1",
      periodStartDate: "2026-03-02",
      dayInCycle: 9,
      periodLength: 5,
      currentPhaseType: "FOLLICULAR",
      lengthOfCurrentPhase: 8,
      daysUntilNextPhase: 3,
      predictedCycleLength: 28,
      isPredictedCycle: false,
      lastUpdatedTimeInSeconds: 1773129600,
    });
    expect(cycle).toMatchObject({
      kind: "record",
      record: {
        metadata: { start_time: "2026-03-10T08:00:00.000000+00:00" },
        menstruation_data: { period_start_date: "2026-03-02", day_in_cycle: 9, current_phase: 2, days_until_next_phase: 3, is_predicted_cycle: false },
      },
    });
  });
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
