import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { requestData } from "@tributary/core/services";
import { waitForIdle } from "@tributary/core/runtime";
import { decodeActivityFit } from "@tributary/fit";
import { activityRecord, dailyRecord, dataPayload, delivery, startTestRuntime, testUser } from "@tributary/test-kit";
import { emulatorPerFile, startAwsEmulator } from "@tributary/test-kit/emulators";
import { S3Reader, bucketFor, createS3Destination } from "./s3-harness.ts";

const emulated = emulatorPerFile(startAwsEmulator, (emulator) => new S3Reader(emulator));

const START = "2026-11-02T07:00:00.000000+00:00";
const run = (id: string) =>
  activityRecord(id, START, {
    heart_rate_data: { detailed: { hr_samples: [0, 1, 2, 3].map((i) => ({ timestamp: `2026-11-02T07:00:0${i}.000000+00:00`, bpm: 130 + i })) } },
  });

describe("s3 format: both", () => {
  it("writes each activity's .fit beside its .json (Terra's layout); other types stay JSON only", async () => {
    const destination = createS3Destination(emulated.emulator, { prefix: "lake", gzip: true }, "bucket", "both");
    const user = testUser();
    await destination.write([delivery(dataPayload("activity", user, [run("run-1")])), delivery(dataPayload("daily", user, [dailyRecord("2026-11-02", 5000)]))]);
    const bucket = bucketFor(destination);
    const stem = `lake/2022-03-16/activity/${user.user_id}-${START}-run-1`;
    expect(await emulated.client.keys(bucket)).toEqual([`${stem}.fit`, `${stem}.json.gz`, `lake/2022-03-16/daily/${user.user_id}-2026-11-02.json.gz`].sort());
    const fit = await emulated.client.object(bucket, `${stem}.fit`);
    // Stored as is even with gzip: FIT tools open .fit objects.
    expect(fit.contentType).toBe("application/vnd.ant.fit");
    const activity = decodeActivityFit(fit.bytes, { summaryId: "run-1" });
    expect(activity.metadata).toMatchObject({ summary_id: "run-1", type: 8, start_time: START });
    expect(activity.heart_rate_data?.detailed?.hr_samples?.map((s) => s.bpm)).toEqual([130, 131, 132, 133]);
    expect(((await emulated.client.json(bucket, `${stem}.json.gz`)).data as unknown[])[0]).toEqual(run("run-1"));
    await destination.close();
  });

  it("a redelivery overwrites the .fit too, and an older copy arriving late leaves it alone", async () => {
    const destination = createS3Destination(emulated.emulator, {}, "bucket", "both");
    const user = testUser();
    const bucket = bucketFor(destination);
    const key = `2022-03-16/activity/${user.user_id}-${START}-run-2.fit`;
    const calories = async () => decodeActivityFit((await emulated.client.object(bucket, key)).bytes).calories_data?.total_burned_calories;
    const version = (kcal: number, orderingTimestamp: number) =>
      delivery(dataPayload("activity", user, [activityRecord("run-2", START, { calories_data: { total_burned_calories: kcal } })]), { orderingTimestamp });
    await destination.write([version(500, 10)]);
    await destination.write([version(600, 20)]);
    expect(await calories()).toBe(600);
    await destination.write([version(550, 15)]);
    expect(await calories()).toBe(600);
    await destination.close();
  });

  it("delete(user) erases the .fit files with the rest", async () => {
    const destination = createS3Destination(emulated.emulator, {}, "bucket", "both");
    const user = testUser();
    await destination.write([delivery(dataPayload("activity", user, [run("run-3")]))]);
    expect(await emulated.client.keys(bucketFor(destination))).toHaveLength(2);
    await destination.delete(user);
    expect(await emulated.client.keys(bucketFor(destination))).toEqual([]);
    await destination.close();
  });
});

describe("s3 format: both, through the runtime", () => {
  it("a large request's activities: each .fit beside its .json, and the announcement counts one payload per chunk", async () => {
    const destination = createS3Destination(emulated.emulator, {}, "bucket", "both");
    const harness = await startTestRuntime({ destinations: { bucket: destination }, policy: { chunkSize: 5 } });
    try {
      const { user_id: userId } = await harness.store.createConnection({ provider: "SANDBOX", referenceId: `s3-fit-${randomUUID()}` });
      const request = await requestData(harness.runtime.ctx, { userId, dataType: "activity", start: "2026-01-01", end: "2026-03-01" });
      expect(request.large).toBe(true);
      await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 90_000 });

      const keys = await emulated.client.keys(bucketFor(destination));
      const stems = (ending: string) =>
        keys.filter((key) => key.startsWith("2022-03-16/activity/") && key.endsWith(ending)).map((key) => key.slice(0, -ending.length));
      expect(stems(".json").length).toBeGreaterThan(5);
      expect(stems(".fit")).toEqual(stems(".json"));
      const [announcement] = keys.filter((key) => key.startsWith("2022-03-16/large_request_sending/"));
      // The bucket's payloads are the JSON chunks, each one payload whatever its files: not one per .fit.
      expect((await emulated.client.json(bucketFor(destination), announcement!)).expected_payloads).toBe(Math.ceil(stems(".json").length / 5));
    } finally {
      await harness.close();
    }
  }, 120_000);
});

describe("s3 format: fit", () => {
  it("writes activities as .fit only, and every other event as JSON", async () => {
    const destination = createS3Destination(emulated.emulator, {}, "bucket", "fit");
    const user = testUser();
    await destination.write([
      delivery(dataPayload("activity", user, [run("run-4"), run("run-5")])),
      delivery({ type: "auth", status: "success", user }, { orderingTimestamp: Date.parse("2026-11-02T08:00:00.000Z") }),
    ]);
    expect(await emulated.client.keys(bucketFor(destination))).toEqual(
      [
        `2022-03-16/activity/${user.user_id}-${START}-run-4.fit`,
        `2022-03-16/activity/${user.user_id}-${START}-run-5.fit`,
        `2022-03-16/auth/${user.user_id}-2026-11-02T08:00:00.000Z.json`,
      ].sort(),
    );
    await destination.close();
  });

  it("storePayload parks a file under payloads/<user>/ and its URL returns the bytes", async () => {
    const destination = createS3Destination(emulated.emulator, {}, "bucket", "fit");
    const user = testUser();
    const parked = delivery(dataPayload("activity", user, [run("run-6")]));
    const body = Uint8Array.from([1, 2, 3, 4]);
    const stored = await destination.storePayload(parked, { name: "run-6.fit", body, contentType: "application/vnd.ant.fit" });
    expect(stored.key).toBe(`payloads/${user.user_id}/${parked.traceId}-run-6.fit`);
    const response = await fetch(stored.url);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);
    await destination.close();
  });
});
