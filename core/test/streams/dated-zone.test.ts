import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamSpec } from "@tributary/schemas";
import { createLogger } from "../../src/log/logger.ts";
import type { StateStore } from "../../src/state/index.ts";
import { clientFor, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import { keepLearnedZone, keepMappedDays, readLearnedZone } from "../../src/streams/learned-zone.ts";
import type { StaleDate } from "../../src/streams/mapped-offsets.ts";
import { collect, executorFor, stream, testStore } from "./stream-helpers.ts";

const NOW = Date.parse("2026-04-02T12:00:00Z");
// Summer time began in the EU on Sunday 29 March 2026.
const WINDOW = { start: new Date("2026-03-27T00:00:00Z"), end: new Date("2026-03-31T00:00:00Z") };

describe("{timezone.at.<field>}: a record read at the zone of its own local date", () => {
  let provider: MockProvider;
  let store: StateStore;
  let closeStore: (() => Promise<void>) | undefined;
  const closers: (() => Promise<void>)[] = [];
  let sessions: unknown[] = [];

  beforeAll(async () => {
    ({ store, close: closeStore } = await testStore());
    provider = await startMockProvider((app) => {
      // Polar-like: sessions with a local start and their offset in minutes; days with local midnights and none.
      app.get("/sessions", async () => sessions);
      app.get("/days", async () => [
        { day: "2026-03-28", start: "2026-03-28T00:00:00", end: "2026-03-29T00:00:00" },
        { day: "2026-03-30", start: "2026-03-30T00:00:00", end: "2026-03-31T00:00:00" },
      ]);
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await closeStore?.();
    await provider?.close();
  });

  const capture = () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { log: createLogger({ level: "info", destination }), lines };
  };
  const days = (probe = true): StreamSpec =>
    stream({
      name: "days",
      request: { path: "/days", query: { from: "{start}" } },
      dateRange: { start: { format: "date" }, maxWindowDays: 28 },
      id: "/day",
      recordFields: { zone: "{timezone.at.start}", end_zone: "{timezone.at.end}", last: "{timezone}" },
      ...(probe ? { timezone: { probe: { request: { path: "/sessions" }, records: "", path: "/offset", unit: "minutes" as const, date: "/start" } } } : {}),
    });
  const read = async (spec: StreamSpec, userId: string) => {
    const made = clientFor(specFor(provider.url));
    closers.push(made.close);
    const { log, lines } = capture();
    const before = provider.requests.length;
    const records = await collect(
      executorFor({ name: "X" }, { now: () => NOW, cursors: store, log }).readStream(spec, WINDOW, { session: made.client.session(), userId }),
    );
    return {
      zones: records.map((r) => [r.day, r.zone, r.end_zone, r.last]),
      requests: provider.requests.slice(before).map((r) => r.path),
      lines: lines.join(""),
    };
  };

  it("learned from every session with its date; a day's start and end each at their own date's offset; a later read needs no probe", async () => {
    const user = await store.createConnection({ provider: "X" });
    sessions = [
      { id: "fri", start: "2026-03-27T18:00:00", offset: 60 },
      { id: "sat", start: "2026-03-28T09:30:00", offset: 60 },
      { id: "sun", start: "2026-03-29T10:00:00", offset: 120 },
      { id: "mon", start: "2026-03-30T18:00:00", offset: 120 },
    ];
    const first = await read(days(), user.user_id);
    // No date of the window known: the probe first.
    expect(first.requests).toEqual(["/sessions", "/days"]);
    expect(first.zones).toEqual([
      // Sunday's own session says +2, but Saturday's +1 and the zones that fit both say Sunday's midnight was +1.
      ["2026-03-28", "+01:00", "+01:00", "+02:00"],
      ["2026-03-30", "+02:00", "+02:00", "+02:00"],
    ]);
    expect(await store.getCursor(user.user_id, "timezone")).toEqual({
      v: 1,
      zone: "+02:00",
      at: new Date(NOW).toISOString(),
      days: { "2026-03-27": [3600, 1080], "2026-03-28": [3600, 570], "2026-03-29": [7200, 600], "2026-03-30": [7200, 1080] },
      // The offsets each day's start (minute 0) and end (the next midnight, minute 1440) were read at.
      mapped: {
        days: {
          "2026-03-28": [
            [0, 3600],
            [1440, 3600],
          ],
          "2026-03-30": [
            [0, 7200],
            [1440, 7200],
          ],
        },
      },
    });
    // Every date of the window has an offset now: no probe.
    expect((await read(days(), user.user_id)).requests).toEqual(["/days"]);
  });

  it("a row kept before dated offsets (one offset) reads as it did; an IANA zone learned wins over dated offsets", async () => {
    const user = await store.createConnection({ provider: "X" });
    await store.setCursor(user.user_id, "timezone", { v: 1, zone: "+01:00", at: "2026-03-01T00:00:00.000Z" });
    expect((await read(days(false), user.user_id)).zones).toEqual([
      ["2026-03-28", "+01:00", "+01:00", "+01:00"],
      ["2026-03-30", "+01:00", "+01:00", "+01:00"],
    ]);
    await store.setCursor(user.user_id, "timezone", { v: 1, zone: "Europe/Helsinki", at: "2026-03-01T00:00:00.000Z", days: { "2026-03-28": [3600, 600] } });
    expect((await read(days(), user.user_id)).zones).toEqual([
      ["2026-03-28", "Europe/Helsinki", "Europe/Helsinki", "Europe/Helsinki"],
      ["2026-03-30", "Europe/Helsinki", "Europe/Helsinki", "Europe/Helsinki"],
    ]);
  });

  it("nothing learned and a probe that says nothing: empty, as {timezone} (the mapping's UTC), with a log line", async () => {
    const user = await store.createConnection({ provider: "X" });
    sessions = [];
    const silent = await read(days(), user.user_id);
    expect(silent.zones).toEqual([
      ["2026-03-28", "", "", ""],
      ["2026-03-30", "", "", ""],
    ]);
    expect(silent.lines).toContain("no time zone or UTC offset learned for the member yet");
    // No zone: only that the days were read at UTC.
    expect(await store.getCursor(user.user_id, "timezone")).toEqual({
      v: 1,
      at: new Date(NOW).toISOString(),
      mapped: {
        days: {
          "2026-03-28": [
            [0, 0],
            [1440, 0],
          ],
          "2026-03-30": [
            [0, 0],
            [1440, 0],
          ],
        },
      },
    });
  });

  /** A stream of sessions that teaches each one's offset for its date (Polar's exercises), its stale dates collected. */
  const learnSessions = async (userId: string) => {
    const made = clientFor(specFor(provider.url));
    closers.push(made.close);
    const stale: StaleDate[][] = [];
    const spec = stream({
      name: "sessions",
      request: { path: "/sessions" },
      id: "/id",
      timezone: { in: "record", path: "/offset", unit: "minutes", date: "/start" },
    });
    await collect(
      executorFor({ name: "X" }, { now: () => NOW, cursors: store }).readStream(spec, WINDOW, {
        session: made.client.session(),
        userId,
        onStaleDates: async (dates) => void stale.push([...dates]),
      }),
    );
    return stale;
  };

  it("days read before their offsets were seen are handed back once they are — those decided otherwise only, and nothing when a learn changes nothing", async () => {
    const user = await store.createConnection({ provider: "X" });
    sessions = [];
    await read(days(), user.user_id);
    // Saturday's session is synced: +60 for Saturday, and (the nearest seen) for Monday too.
    sessions = [{ id: "sat", start: "2026-03-28T09:30:00", offset: 60 }];
    expect(await learnSessions(user.user_id)).toEqual([
      [
        { stream: "days", date: "2026-03-30", from: [0, 0], to: [3600, 3600] },
        { stream: "days", date: "2026-03-28", from: [0, 0], to: [3600, 3600] },
      ],
    ]);
    // The same again: nothing learned, nothing handed back.
    expect(await learnSessions(user.user_id)).toEqual([]);
    // The days read again at +60; then Monday's run at +120: Monday changes, Saturday (both its midnights +1) does not.
    await read(days(false), user.user_id);
    sessions = [...sessions, { id: "mon", start: "2026-03-30T18:00:00", offset: 120 }];
    expect(await learnSessions(user.user_id)).toEqual([[{ stream: "days", date: "2026-03-30", from: [3600, 3600], to: [7200, 7200] }]]);
  });

  it("a day mapped with what a read knew when another job had learned more meanwhile is handed back as it is noted", async () => {
    const user = await store.createConnection({ provider: "X" });
    const stale: StaleDate[][] = [];
    const keeping = { cursors: store, userId: user.user_id, onStale: async (dates: readonly StaleDate[]) => void stale.push([...dates]) };
    // The read began knowing nothing; meanwhile a push taught Monday's +120.
    const known = await readLearnedZone(store, user.user_id);
    await keepLearnedZone(
      keeping,
      await readLearnedZone(store, user.user_id),
      { zone: "+02:00", offsets: [{ localAsUtcMs: Date.parse("2026-03-30T18:00:00Z"), offsetSeconds: 7200 }] },
      NOW,
    );
    expect(stale).toEqual([]);
    await keepMappedDays(keeping, known, "days", { "2026-03-30": [[0, 0]] }, NOW);
    expect(stale).toEqual([[{ stream: "days", date: "2026-03-30", from: [0], to: [7200] }]]);
    // Noted as mapped, with the offsets the other job kept.
    expect(await readLearnedZone(store, user.user_id)).toEqual({
      zone: "+02:00",
      days: { "2026-03-30": [7200, 1080] },
      mapped: { days: { "2026-03-30": [[0, 0]] } },
    });
  });
});
