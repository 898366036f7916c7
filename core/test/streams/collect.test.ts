import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamSpec } from "@tributary/schemas";
import { checkConnector } from "../../src/spec/check-connector.ts";
import { specPath } from "../../src/spec/spec-problem.ts";
import { clientFor, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import { collect, executorFor, stream } from "./stream-helpers.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T00:00:00Z");
/** Withings-like measure groups: three on day 0 (at 07:00, 12:00, 21:00), none on day 1, one on day 2. */
const GROUPS = [
  { grpid: 1, date: (T0 + 7 * 3_600_000) / 1000 },
  { grpid: 2, date: (T0 + 12 * 3_600_000) / 1000 },
  { grpid: 3, date: (T0 + 21 * 3_600_000) / 1000 },
  { grpid: 4, date: (T0 + 2 * DAY + 8 * 3_600_000) / 1000 },
];

/**
 * `collect` hands out a window step's records as one record, and `dateRange.wholeDays` widens windows
 * of any format to whole UTC days: together one record a day, however many pages the day took and
 * however narrow the window asked for (a push's changed hour still pulls its whole day).
 */
describe("collecting streams", () => {
  let provider: MockProvider;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      // Two groups a page, Withings' way: a form body, `more` and the next `offset` in the answer.
      app.post("/measure", async (request) => {
        const body = request.body as Record<string, string>;
        const inWindow = GROUPS.filter((g) => g.date >= Number(body.startdate) && g.date < Number(body.enddate));
        const offset = Number(body.offset ?? 0);
        const page = inWindow.slice(offset, offset + 2);
        const more = offset + 2 < inWindow.length;
        return { status: 0, body: { measuregrps: page, more: more ? 1 : 0, offset: more ? offset + 2 : 0 } };
      });
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await provider?.close();
  });

  const client = () => {
    const made = clientFor(specFor(provider.url));
    closers.push(made.close);
    return made.client;
  };
  const measures = (extra: Partial<StreamSpec> = {}): StreamSpec =>
    stream({
      request: { method: "POST", path: "/measure", bodyEncoding: "form", body: { startdate: "{start}", enddate: "{end}" } },
      dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds" }, maxWindowDays: 1, wholeDays: true },
      paging: { type: "offset", param: "offset", size: 2, in: "body", nextOffsetPath: "/body/offset", stop: [{ type: "flag", path: "/body/more", equals: 0 }] },
      records: "/body/measuregrps",
      id: "/grpid",
      collect: { into: "measuregrps" },
      ...extra,
    });
  const now = () => T0 + 30 * DAY;

  it("one record per day with records, holding every page's records and the day's window", async () => {
    const before = provider.requests.length;
    const reading = executorFor({ name: "W" }, { now }).readStream(
      measures(),
      { start: new Date(T0), end: new Date(T0 + 3 * DAY) },
      { session: client().session() },
    );
    const records = await collect(reading);
    expect(records).toEqual([
      { measuregrps: GROUPS.slice(0, 3), window: { start: "2026-03-01T00:00:00.000Z", end: "2026-03-02T00:00:00.000Z" } },
      { measuregrps: [GROUPS[3]], window: { start: "2026-03-03T00:00:00.000Z", end: "2026-03-04T00:00:00.000Z" } },
    ]);
    // Day 0 took two pages, day 1 one (empty), day 2 one.
    expect(provider.requests.length - before).toBe(4);
    expect(reading.stats).toMatchObject({ windows: 3, pages: 4, records: 4, collected: 2 });
    expect(reading.position()).toMatchObject({ done: true });
  });

  it("a narrow window (a push's changed hour) is widened to its whole UTC day", async () => {
    const before = provider.requests.length;
    const hour = { start: new Date(T0 + 12 * 3_600_000), end: new Date(T0 + 13 * 3_600_000) };
    const records = await collect(executorFor({ name: "W" }, { now }).readStream(measures(), hour, { session: client().session() }));
    expect(records).toEqual([{ measuregrps: GROUPS.slice(0, 3), window: { start: "2026-03-01T00:00:00.000Z", end: "2026-03-02T00:00:00.000Z" } }]);
    expect(provider.requests.slice(before).map((r) => (r.body as Record<string, string>).startdate)).toEqual([String(T0 / 1000), String(T0 / 1000)]);
  });

  it("without wholeDays the window is read as asked: the hour alone", async () => {
    const hour = { start: new Date(T0 + 12 * 3_600_000), end: new Date(T0 + 13 * 3_600_000) };
    const spec = measures({ dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds" }, maxWindowDays: 1 } });
    const records = await collect(executorFor({ name: "W" }, { now }).readStream(spec, hour, { session: client().session() }));
    expect(records).toEqual([{ measuregrps: [GROUPS[1]], window: { start: "2026-03-01T12:00:00.000Z", end: "2026-03-01T13:00:00.000Z" } }]);
  });

  it("a resume after a handed-out day reads on from the next day; one interrupted while collecting keeps what the day had so far", async () => {
    const spec = measures();
    const range = { start: new Date(T0), end: new Date(T0 + 3 * DAY) };
    const reading = executorFor({ name: "W" }, { now }).readStream(spec, range, { session: client().session() });
    const iterator = reading[Symbol.asyncIterator]();
    await iterator.next();
    const afterFirstDay = reading.position()!;
    expect(afterFirstDay).toMatchObject({ step: { start: "2026-03-01T00:00:00.000Z" } });
    let before = provider.requests.length;
    const resumed = executorFor({ name: "W" }, { now }).readStream(spec, range, { session: client().session(), resume: afterFirstDay });
    expect((await collect(resumed)).map((r) => (r.window as { start: string }).start)).toEqual(["2026-03-03T00:00:00.000Z"]);
    // Day 1 and day 2, one page each: nothing of day 0 asked for again.
    expect(provider.requests.slice(before).map((r) => (r.body as Record<string, string>).startdate)).toEqual([
      String((T0 + DAY) / 1000),
      String((T0 + 2 * DAY) / 1000),
    ]);

    // Stopped on the second page of day 0: the first page's groups are in the position, the second page is next.
    const session = client().session();
    let pages = 0;
    const failing: typeof session = Object.assign(Object.create(session) as typeof session, {
      execute: async (request: Parameters<typeof session.execute>[0]) => {
        pages += 1;
        if (pages === 2) throw new Error("provider down");
        return session.execute(request);
      },
    });
    const interrupted = executorFor({ name: "W" }, { now }).readStream(spec, range, { session: failing });
    await expect(collect(interrupted)).rejects.toThrow("provider down");
    const position = JSON.parse(JSON.stringify(interrupted.position()));
    expect(position).toMatchObject({ step: { start: "2026-03-01T00:00:00.000Z" }, page: { pages: 1, offset: 2 }, skip: 0, collected: GROUPS.slice(0, 2) });
    before = provider.requests.length;
    const again = executorFor({ name: "W" }, { now }).readStream(spec, range, { session: client().session(), resume: position });
    expect((await collect(again))[0]).toEqual({
      measuregrps: GROUPS.slice(0, 3),
      window: { start: "2026-03-01T00:00:00.000Z", end: "2026-03-02T00:00:00.000Z" },
    });
    expect((provider.requests[before]!.body as Record<string, string>).offset).toBe("2");

    // A position that may not hold the day's groups so far reads the day again from its first page.
    pages = 0;
    const small = executorFor({ name: "W" }, { now, maxPositionBytes: 200 }).readStream(spec, range, { session: failing });
    await expect(collect(small)).rejects.toThrow("provider down");
    const restart = JSON.parse(JSON.stringify(small.position()));
    expect(restart).toMatchObject({ step: { start: "2026-03-01T00:00:00.000Z" }, skip: 0, seen: [] });
    expect(restart.collected).toBeUndefined();
    before = provider.requests.length;
    const whole = executorFor({ name: "W" }, { now }).readStream(spec, range, { session: client().session(), resume: restart });
    expect((await collect(whole))[0]).toMatchObject({ measuregrps: GROUPS.slice(0, 3) });
    expect((provider.requests[before]!.body as Record<string, string>).offset).toBe("0");
  });

  it("the spec check refuses a collected record that could not be what it says", () => {
    const problems = (extra: Partial<StreamSpec>) => {
      const result = checkConnector(
        {
          name: "W",
          displayName: "W",
          dataTypes: ["body"],
          auth: { type: "none" },
          http: { baseUrl: "https://w.example" },
          streams: { body: [measures(extra)] },
          mappings: { body: { template: { metadata: { start_time: { path: "/window/start", time: { format: "datetime" } } } } } },
        },
        undefined,
        undefined,
      );
      return result.findings.map((finding) => `${specPath(finding.path)}: ${finding.message}`);
    };
    expect(problems({})).toEqual([]);
    expect(problems({ collect: { into: "window" } }).join("\n")).toMatch(/collect\.into: "window" is where the collected record keeps its window/);
    expect(problems({ example: { body: { measuregrps: [] } } }).join("\n")).toMatch(/example: not what this stream's mapping reads/);
    expect(problems({ dateRange: undefined }).join("\n")).toMatch(/collect: collects one window/);
    expect(problems({ object: { request: { path: "/measure/{object_id}" } } }).join("\n")).toMatch(/object: cannot be collected/);
  });
});
