import { randomUUID } from "node:crypto";
import type { Delivery, DeliveryPayload } from "@tributary/core/contracts";

/** A Terra user object for test payloads; unique per call so tests can run again on a dirty machine. */
export function testUser(overrides: Partial<{ user_id: string; provider: string; reference_id: string }> = {}) {
  return {
    user_id: randomUUID(),
    provider: "SANDBOX",
    reference_id: `ref-${randomUUID().slice(0, 8)}`,
    scopes: "activity,sleep",
    active: true,
    created_at: "2026-11-01T08:00:00.000000+00:00",
    last_webhook_update: null,
    ...overrides,
  };
}

export type TestUser = ReturnType<typeof testUser>;

export function activityRecord(summaryId: string, startTime: string, extra: Record<string, unknown> = {}) {
  const start = new Date(startTime);
  return {
    metadata: {
      summary_id: summaryId,
      start_time: startTime,
      end_time: new Date(start.getTime() + 45 * 60_000).toISOString().replace("Z", "+00:00"),
      type: 8,
      upload_type: 1,
      name: "Morning Run",
    },
    distance_data: { summary: { distance_meters: 8123.4, steps: 7400 } },
    calories_data: { total_burned_calories: 512 },
    ...extra,
  };
}

export function dailyRecord(date: string, steps: number) {
  return {
    metadata: { start_time: `${date}T00:00:00.000000+00:00`, end_time: `${date}T23:59:59.999999+00:00`, upload_type: 1 },
    distance_data: { steps, distance_meters: steps * 0.78 },
  };
}

export function dataPayload(type: string, user: TestUser, data: unknown[]): DeliveryPayload {
  return { type, user, data, version: "2022-03-16" };
}

export function delivery(payload: DeliveryPayload, overrides: Partial<Delivery> = {}): Delivery {
  return { payload, traceId: randomUUID(), orderingTimestamp: Date.now(), ...overrides };
}
