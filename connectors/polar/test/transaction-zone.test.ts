import { describe, expect, it } from "vitest";
import type { ProviderTransport } from "@tributary/core/provider-http";
import { createMemoryCursorRepository } from "@tributary/core/state";
import { connectorClient, pullAndMap } from "@tributary/test-kit/connector";
import { AVA, polar } from "./polar.ts";

const BASE = "https://www.polaraccesslink.com";

/**
 * A poll reads Ava's sessions through an exercise transaction (the hyphenated model): her Monday run after
 * the EU's change to summer time says `start-time-utc-offset: 120`. The transaction stream's `timezone`
 * keeps that offset for Monday's date, as the exercises list's does, and Monday's daily activity (local
 * midnights, no offset) is then read at +02:00 — without asking the nights and the list first.
 */
describe("POLAR: a session read through an exercise transaction teaches its date's offset", () => {
  const monday = { date: "2026-03-30", start: "2026-03-30T18:00:00" };
  const json = (status: number, body?: unknown) => ({
    status,
    headers: body === undefined ? ({} as Record<string, string>) : { "content-type": "application/json" },
    body: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  });

  function polarAnswers(requests: string[], offsetMinutes: number | undefined): ProviderTransport {
    let opened = false;
    return async (request) => {
      const url = new URL(request.url);
      const path = url.pathname;
      requests.push(`${request.method} ${path}${url.search}`);
      const transactions = `/v3/users/${AVA}/exercise-transactions`;
      if (request.method === "POST" && path === transactions) {
        if (opened) return json(204);
        opened = true;
        return json(201, { "transaction-id": 179880, "resource-uri": `${BASE}${transactions}/179880` });
      }
      if (request.method === "GET" && path === `${transactions}/179880`) return json(200, { exercises: [`${BASE}${transactions}/179880/exercises/193760`] });
      if (request.method === "GET" && path === `${transactions}/179880/exercises/193760`) {
        return json(200, {
          id: 193760,
          "polar-user": `${BASE}/v3/users/${AVA}`,
          "start-time": monday.start,
          ...(offsetMinutes !== undefined ? { "start-time-utc-offset": offsetMinutes } : {}),
          duration: "PT30M",
          sport: "RUNNING",
        });
      }
      if (path.startsWith(`${transactions}/179880/exercises/193760/`)) return json(204);
      if (request.method === "PUT" && path === `${transactions}/179880`) return json(200);
      if (path === "/v3/users/activities") {
        return json(200, [
          {
            start_time: `${monday.date}T00:00:00`,
            end_time: "2026-03-31T00:00:00",
            active_duration: "PT1H",
            inactive_duration: "PT10H",
            calories: 2200,
            active_calories: 600,
            steps: 7300,
            distance_from_steps: 6000.0,
          },
        ]);
      }
      // The probes (nights, the list): nothing.
      return json(204);
    };
  }

  async function poll(offsetMinutes: number | undefined) {
    const requests: string[] = [];
    const client = connectorClient(polar(), { transport: polarAnswers(requests, offsetMinutes) });
    const cursors = createMemoryCursorRepository();
    const read = await pullAndMap(polar(), client, {
      window: { start: new Date(`${monday.date}T00:00:00Z`), end: new Date("2026-03-31T00:00:00Z") },
      providerUserId: AVA,
      userId: "polar-transaction-zone",
      streams: ["exercise_transactions", "activities"],
      transactions: true,
      now: () => Date.parse("2026-03-31T12:00:00Z"),
      cursors,
    });
    expect(read.failures().filter((f) => f.record.stream === "activities")).toEqual([]);
    const day = (read.delivered() as any[]).find((record) => record.distance_data?.steps === 7300);
    return { day, requests, zone: await cursors.getCursor("polar-transaction-zone", "timezone") };
  }

  it("Monday's run at +120 minutes: the offset is kept for Monday, whose day is then mapped at +02:00", async () => {
    const { day, requests, zone } = await poll(120);
    expect(zone).toMatchObject({
      v: 1,
      zone: "+02:00",
      days: { [monday.date]: [7200, 18 * 60] },
      mapped: {
        activities: {
          [monday.date]: [
            [0, 7200],
            [1440, 7200],
          ],
        },
      },
    });
    expect([day.metadata.start_time, day.metadata.end_time]).toEqual(["2026-03-30T00:00:00.000000+02:00", "2026-03-31T00:00:00.000000+02:00"]);
    // Monday's offset was known: the day's read asked no probe.
    expect(requests.filter((r) => r.startsWith("GET /v3/users/sleep") || r.startsWith("GET /v3/exercises"))).toEqual([]);
  });

  it("a session without an offset teaches nothing: the day's read probes (nothing there), the day is at UTC, and that is noted for Monday", async () => {
    const { day, requests, zone } = await poll(undefined);
    // No zone, no offsets: only the offsets Monday's start and end were read at (its midnight, and the next).
    expect(zone).toEqual({
      v: 1,
      at: expect.any(String),
      mapped: {
        activities: {
          [monday.date]: [
            [0, 0],
            [1440, 0],
          ],
        },
      },
    });
    expect(day.metadata.start_time).toBe("2026-03-30T00:00:00.000000+00:00");
    expect(requests).toContain("GET /v3/users/sleep");
  });
});
