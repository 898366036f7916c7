import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { createMemoryCursorRepository } from "@tributary/core/state";
import { connectorClient, pullAndMap } from "@tributary/test-kit/connector";
import { AVA, polar } from "./polar.ts";

/**
 * Summer time began in the EU on Sunday 29 March 2026 at 01:00 UTC (+01:00 → +02:00). Ava ran on Friday
 * and rode on Saturday at +60 minutes, and ran on Monday at +120; Polar lists her daily activity for
 * Saturday and Monday with local midnights and no offset (recordings in summer-time/, AccessLink's shapes).
 * Each day is read at the offset of its own date — no longer at the one offset seen last (+02:00), which
 * put Saturday an hour early.
 */
describe("POLAR daily activity across a change of summer time", () => {
  const window = { start: new Date("2026-03-27T00:00:00Z"), end: new Date("2026-03-31T00:00:00Z") };
  const now = () => Date.parse("2026-03-31T12:00:00Z");
  const pull = async (streams: string[]) => {
    const definition = polar();
    const transport = recordedTransport(await loadRecordings(join(import.meta.dirname, "summer-time")));
    const requests: string[] = [];
    const client = connectorClient(definition, {
      transport: (request) => {
        const url = new URL(request.url);
        requests.push(`${request.method} ${url.pathname}${url.search}`);
        return transport(request);
      },
    });
    const read = await pullAndMap(definition, client, { window, providerUserId: AVA, streams, now, cursors: createMemoryCursorRepository() });
    expect(read.failures()).toEqual([]);
    return { read, requests };
  };
  const dayTimes = (read: Awaited<ReturnType<typeof pull>>["read"]) =>
    (read.delivered() as any[]).filter((r) => r.distance_data?.steps !== undefined).map((day) => [day.metadata.start_time, day.metadata.end_time]);

  // Hand-checked: Saturday 00:00 at +01:00 is 27 March 23:00Z; its end, Sunday 00:00, is still +01:00 (the
  // change is at 03:00 local) — 28 March 23:00Z, 24 hours. Monday 00:00 and Tuesday 00:00 are at +02:00:
  // 29 March 22:00Z and 30 March 22:00Z.
  const expected = [
    ["2026-03-28T00:00:00.000000+01:00", "2026-03-29T00:00:00.000000+01:00"],
    ["2026-03-30T00:00:00.000000+02:00", "2026-03-31T00:00:00.000000+02:00"],
  ];

  it("sessions, then days (one pull): each day at the offset of its own date", async () => {
    const { read } = await pull(["exercises", "sleep", "activities"]);
    expect((read.delivered() as any[]).filter((r) => r.metadata.summary_id).map((r) => [r.metadata.summary_id, r.metadata.start_time])).toEqual([
      ["475220-20260327T170000Z", "2026-03-27T18:00:00.000000+01:00"],
      ["475220-20260328T083000Z", "2026-03-28T09:30:00.000000+01:00"],
      ["475220-20260330T160000Z", "2026-03-30T18:00:00.000000+02:00"],
    ]);
    expect(dayTimes(read)).toEqual(expected);
    const [saturday] = (read.delivered() as any[]).filter((r) => r.distance_data?.steps === 9100);
    expect(saturday.distance_data).toEqual({ steps: 9100, distance_meters: 6000 });
  });

  it("the days alone (a backfill's daily job may run before its sessions and nights): the nights and sessions are asked first", async () => {
    const { read, requests } = await pull(["activities"]);
    expect(requests).toEqual(["GET /v3/users/sleep", "GET /v3/exercises", "GET /v3/users/activities?from=2026-03-27&to=2026-03-30"]);
    expect(dayTimes(read)).toEqual(expected);
  });
});
