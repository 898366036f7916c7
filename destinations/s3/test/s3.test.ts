import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TributaryError } from "@tributary/core/contracts";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "@tributary/test-kit";
import { abortHeldWrite, emulatorPerFile, startAwsEmulator, startHoldingFront } from "@tributary/test-kit/emulators";
import { S3Reader, bucketFor, createS3Destination } from "./s3-harness.ts";

const emulated = emulatorPerFile(startAwsEmulator, (emulator) => new S3Reader(emulator));

describe("s3 object layout", () => {
  it("writes one Terra-shaped object per record under 2022-03-16/<type>/<user_id>-…", async () => {
    const destination = createS3Destination(emulated.emulator, { prefix: "exports" });
    const user = testUser();
    const run = activityRecord("run-1", "2026-11-02T07:00:00.000000+00:00");
    await destination.write([
      delivery(dataPayload("activity", user, [run, activityRecord("run-2", "2026-11-02T07:00:00.000000+00:00")])),
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-02", 5000)])),
      delivery({ type: "athlete", user, athlete: { first_name: "Ada" }, version: "2022-03-16" }),
      delivery({ type: "auth", status: "success", user }, { orderingTimestamp: Date.parse("2026-11-02T08:00:00.000Z") }),
    ]);
    const bucket = bucketFor(destination);
    const u = user.user_id;
    expect(await emulated.client.keys(bucket)).toEqual(
      [
        `exports/2022-03-16/activity/${u}-2026-11-02T07:00:00.000000+00:00-run-1.json`,
        `exports/2022-03-16/activity/${u}-2026-11-02T07:00:00.000000+00:00-run-2.json`,
        `exports/2022-03-16/athlete/${u}.json`,
        `exports/2022-03-16/auth/${u}-2026-11-02T08:00:00.000Z.json`,
        `exports/2022-03-16/daily/${u}-2026-11-02.json`,
      ].sort(),
    );
    expect(await emulated.client.json(bucket, `exports/2022-03-16/activity/${u}-2026-11-02T07:00:00.000000+00:00-run-1.json`)).toEqual({
      type: "activity",
      user,
      data: [run],
      version: "2022-03-16",
    });
    expect(await emulated.client.json(bucket, `exports/2022-03-16/athlete/${u}.json`)).toEqual({
      type: "athlete",
      user,
      athlete: { first_name: "Ada" },
      version: "2022-03-16",
    });
    expect(await emulated.client.json(bucket, `exports/2022-03-16/auth/${u}-2026-11-02T08:00:00.000Z.json`)).toEqual({ type: "auth", status: "success", user });
    await destination.close();
  });

  it("gzip stores .json.gz objects that decompress to the same payload", async () => {
    const destination = createS3Destination(emulated.emulator, { gzip: true });
    const user = testUser();
    const day = dailyRecord("2026-11-03", 4200);
    await destination.write([delivery(dataPayload("daily", user, [day]))]);
    const bucket = bucketFor(destination);
    const key = `2022-03-16/daily/${user.user_id}-2026-11-03.json.gz`;
    expect(await emulated.client.keys(bucket)).toEqual([key]);
    expect(await emulated.client.json(bucket, key)).toEqual({ type: "daily", user, data: [day], version: "2022-03-16" });
    await destination.close();
  });

  it("a redelivery overwrites the object, and an older copy arriving late does not", async () => {
    const destination = createS3Destination(emulated.emulator);
    const user = testUser();
    const bucket = bucketFor(destination);
    const key = `2022-03-16/daily/${user.user_id}-2026-11-04.json`;
    const steps = async () => ((await emulated.client.json(bucket, key)).data as Array<{ distance_data: { steps: number } }>)[0]?.distance_data.steps;

    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 100)]), { orderingTimestamp: 10 })]);
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 200)]), { orderingTimestamp: 20 })]);
    expect(await steps()).toBe(200);
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 150)]), { orderingTimestamp: 15 })]);
    expect(await steps()).toBe(200);
    // Inside one batch the newest copy of a key is the one written.
    await destination.write([
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 400)]), { orderingTimestamp: 40 }),
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 300)]), { orderingTimestamp: 30 }),
    ]);
    expect(await steps()).toBe(400);
    expect(await emulated.client.keys(bucket)).toEqual([key]);
    await destination.close();
  });

  it("delete(user) erases every folder of that user, payloads included, and not a user whose id extends theirs", async () => {
    const destination = createS3Destination(emulated.emulator);
    const gone = testUser();
    const twin = testUser({ user_id: `${gone.user_id}-twin` });
    for (const user of [gone, twin]) {
      await destination.write([
        delivery(dataPayload("activity", user, [activityRecord("a", "2026-11-05T07:00:00.000000+00:00")])),
        delivery({ type: "athlete", user, athlete: { first_name: "X" }, version: "2022-03-16" }),
        delivery({ type: "deauth", status: "success", user }),
      ]);
      await destination.storePayload(delivery(dataPayload("daily", user, [dailyRecord("2026-11-05", 1)])));
    }
    const bucket = bucketFor(destination);
    await destination.delete(gone);
    const left = await emulated.client.keys(bucket);
    expect(left.filter((k) => k.includes(gone.user_id) && !k.includes(twin.user_id))).toEqual([]);
    expect(left).toHaveLength(4);
    expect(left.every((k) => k.includes(twin.user_id))).toBe(true);
    await destination.close();
  });
});

describe("s3 storePayload", () => {
  it("parks a payload and returns a pre-signed URL that fetches it", async () => {
    const destination = createS3Destination(emulated.emulator, { prefix: "hooks/" });
    const user = testUser();
    const parked = delivery(dataPayload("activity", user, [activityRecord("big", "2026-11-06T07:00:00.000000+00:00")]));
    const stored = await destination.storePayload(parked);
    expect(stored.key).toBe(`hooks/payloads/${user.user_id}/activity-${parked.traceId}.json`);
    expect(stored.expires_in).toBe(600);
    const url = new URL(stored.url);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("600");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const response = await fetch(stored.url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(parked.payload);
    await destination.close();
  });
});

describe("s3 errors and lifecycle", () => {
  it("a missing bucket is a configuration error naming the bucket, from check and from write", async () => {
    const bucket = `missing-${randomUUID()}`;
    const destination = createS3Destination(emulated.emulator, { bucket });
    const checked = await destination.check().catch((e: unknown) => e);
    expect(checked).toBeInstanceOf(TributaryError);
    expect(checked).toMatchObject({ code: "ERR_DESTINATION_CONFIG", errorClass: "user" });
    expect((checked as Error).message).toContain(bucket);
    const written = await destination.write([delivery(dataPayload("daily", testUser(), [dailyRecord("2026-11-07", 1)]))]).catch((e: unknown) => e);
    expect(written).toMatchObject({ code: "ERR_DESTINATION_CONFIG", errorClass: "user" });
    await destination.close();
  });

  it("an unknown access key is a credentials error, from check and from write, never retried", async () => {
    const destination = createS3Destination(emulated.emulator, { accessKeyId: "AKIAUNKNOWN" });
    expect(await destination.check().catch((e: unknown) => e)).toMatchObject({ code: "ERR_DESTINATION_AUTH", errorClass: "user" });
    const written = await destination.write([delivery(dataPayload("daily", testUser(), [dailyRecord("2026-11-07", 1)]))]).catch((e: unknown) => e);
    expect(written).toMatchObject({ code: "ERR_DESTINATION_AUTH", errorClass: "user", details: { status: 403 } });
    await destination.close();
  });

  it("an endpoint nobody listens on is a retryable outage, and the secret never shows", async () => {
    const destination = createS3Destination(emulated.emulator, { endpoint: "http://127.0.0.1:1", secretAccessKey: "do-not-print-me" });
    const checked = (await destination.check().catch((e: unknown) => e)) as TributaryError;
    expect(checked).toBeInstanceOf(TributaryError);
    expect(checked).toMatchObject({ code: "ERR_DESTINATION_UNAVAILABLE", errorClass: "transient" });
    expect(checked.toOperatorString()).not.toContain("do-not-print-me");
    await destination.close();
  });

  it("a write given up on (its signal aborted) stops its request under way and rejects with the signal's reason", async () => {
    const front = await startHoldingFront(emulated.emulator.endpoint);
    const destination = createS3Destination(emulated.emulator, { endpoint: front.url });
    const bucket = bucketFor(destination);
    const user = testUser();
    const day = delivery(dataPayload("daily", user, [dailyRecord("2026-11-09", 1)]));
    const { rejected, reason } = await abortHeldWrite(front, (signal) => destination.write([day], { signal }));
    expect(rejected).toBe(reason);
    // The front let through what was still waiting: the stopped request was not; a later write is.
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-10", 2)]))]);
    expect((await emulated.client.keys(bucket)).map((key) => key.split("/")[1])).toEqual(["daily"]);
    expect(await emulated.client.records(bucket, user.user_id)).toHaveLength(1);
    await destination.close();
    await front.close();
  });

  it("reconnects after close", async () => {
    const destination = createS3Destination(emulated.emulator);
    await destination.check();
    await destination.close();
    await destination.check();
    await destination.close();
  });
});
