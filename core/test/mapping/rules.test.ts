import { describe, expect, it } from "vitest";
import type { MappingSpec } from "@tributary/schemas";
import { isTributaryError } from "../../src/errors/tributary-error.ts";
import { compileMapping, type MappingOutcome } from "../../src/mapping/index.ts";

const compile = (spec: Omit<MappingSpec, "template"> & { template: Record<string, unknown> }) => compileMapping(spec as MappingSpec);
const mapOne = async (template: Record<string, unknown>, record: unknown, extra: Partial<MappingSpec> = {}): Promise<MappingOutcome> =>
  compile({ ...extra, template }).map(record);
const recordOf = async (template: Record<string, unknown>, record: unknown, extra: Partial<MappingSpec> = {}) => {
  const outcome = await mapOne(template, record, extra);
  if (outcome.kind !== "record") throw new Error(`expected a record, got ${JSON.stringify(outcome)}`);
  return outcome.record;
};
const issuesOf = async (template: Record<string, unknown>, record: unknown, extra: Partial<MappingSpec> = {}) => {
  const outcome = await mapOne(template, record, extra);
  if (outcome.kind !== "failed") throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.issues;
};
const compileError = (spec: Record<string, unknown>): { message: string; problems: Array<{ path: string; message: string }> } => {
  try {
    compileMapping(spec as unknown as MappingSpec, { name: "mappings.activity" });
  } catch (error) {
    if (!isTributaryError(error)) throw error;
    expect(error.code).toBe("ERR_MAPPING_INVALID");
    return { message: error.message, problems: (error.details as { problems: Array<{ path: string; message: string }> }).problems };
  }
  throw new Error("expected the mapping to be refused");
};

describe("sources", () => {
  it("path reads a JSON pointer; from: record reads the record inside each", async () => {
    const record = { id: 7, a: { "b/c": { "d~e": 1 } }, items: [{ v: 1 }, { v: 2 }], owner: "u1" };
    expect(
      await recordOf(
        {
          id: { path: "/id" },
          deep: { path: "/a/b~1c/d~0e" },
          list: { each: { path: "/items" }, item: { v: { path: "/v" }, owner: { path: "/owner", from: "record" } } },
        },
        record,
      ),
    ).toEqual({
      id: 7,
      deep: 1,
      list: [
        { v: 1, owner: "u1" },
        { v: 2, owner: "u1" },
      ],
    });
  });

  it("path never reads inherited properties", async () => {
    expect(await recordOf({ a: { path: "/constructor" }, b: { path: "/__proto__" }, c: { path: "/x/toString" }, k: 1 }, { x: {} })).toEqual({ k: 1 });
  });

  it("var reads let values (computed once, in order) and index inside each/zip", async () => {
    const spec = {
      let: { start: { path: "/start", type: "number" as const }, later: { var: "start", add: 10 } },
      template: { s: { var: "later" }, items: { each: { path: "/xs" }, item: { i: { var: "index" }, x: { path: "" } } } },
    };
    expect(await compile(spec).map({ start: "5", xs: ["a", "b"] })).toEqual({
      kind: "record",
      record: {
        s: 15,
        items: [
          { i: 0, x: "a" },
          { i: 1, x: "b" },
        ],
      },
    });
  });

  it("value is a constant, copied per record; literals are constants; literal null stays", async () => {
    const mapping = compile({ template: { obj: { value: { a: [1] } }, n: 3, t: "text", f: false, z: null } });
    const first = (await mapping.map({})) as unknown as { record: { obj: { a: number[] } } };
    first.record.obj.a.push(2);
    expect(await mapping.map({})).toEqual({ kind: "record", record: { obj: { a: [1] }, n: 3, t: "text", f: false, z: null } });
  });

  it("expr evaluates JSONata over the scope with $record, $connection, $index and let values bound", async () => {
    const spec = {
      let: { factor: { value: 2 } },
      template: {
        sum: { expr: "a + b" },
        who: { expr: "$connection.userId" },
        items: { each: { path: "/xs" }, item: { expr: "$ * $factor + $index + $count($record.xs)" } },
      },
    };
    const mapping = compile(spec);
    expect(mapping.synchronous).toBe(false);
    expect(await mapping.map({ a: 1, b: 2, xs: [10, 20] }, { connection: { userId: "u-1" } })).toEqual({
      kind: "record",
      record: { sum: 3, who: "u-1", items: [22, 43] },
    });
  });

  it("expression results are plain data: sequences become arrays", async () => {
    const out = await recordOf({ hr: { expr: "samples.hr" } }, { samples: [{ hr: 1 }, { hr: 2 }] });
    expect(out.hr).toEqual([1, 2]);
    expect(Object.keys(out.hr as object)).toEqual(["0", "1"]);
  });
});

describe("value rule steps", () => {
  it("type coerces numbers, integers, text and booleans; empty text is absent", async () => {
    const template = {
      n: { path: "/n", type: "number" },
      i: { path: "/i", type: "integer" },
      s: { path: "/s", type: "string" },
      b: { path: "/b", type: "boolean" },
      e: { path: "/e", type: "number" },
    };
    expect(await recordOf(template, { n: "250.0", i: "4210.0", s: 154504250376823, b: "false", e: "  " })).toEqual({
      n: 250,
      i: 4210,
      s: "154504250376823",
      b: false,
    });
    const issues = await issuesOf(template, { n: "N/A", i: {}, s: [1], b: "maybe" });
    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ["n", "type"],
      ["i", "type"],
      ["s", "type"],
      ["b", "type"],
    ]);
    expect(issues[0]!.message).toBe('n: "N/A" is not a number');
  });

  it("scale, add and round apply in that order, to numbers sent as text too", async () => {
    expect(await recordOf({ v: { path: "/spd", scale: 0.001, add: 1, round: 2 } }, { spd: "8416" })).toEqual({ v: 9.42 });
  });

  it("a number and the same number sent as text go through a numeric chain alike; a number that is not finite is reported", async () => {
    const template = {
      list: {
        each: { path: "/samples" },
        item: {
          i: { path: "/v", type: "integer", scale: 2, add: 1, convert: { from: "km", to: "m" }, round: 1 },
          pace: { path: "/speed", convert: { from: "m/s", to: "s/km" }, round: 2 },
        },
      },
    };
    const asNumbers = await recordOf(template, {
      samples: [
        { v: 2.6, speed: 4 },
        { v: -1, speed: 0 },
      ],
    });
    expect(asNumbers).toEqual({ list: [{ i: 7000, pace: 250 }, { i: -1000 }] });
    expect(
      await recordOf(template, {
        samples: [
          { v: "2.6", speed: "4" },
          { v: "-1", speed: "0" },
        ],
      }),
    ).toEqual(asNumbers);
    const issues = await issuesOf({ v: { path: "/v", scale: 2 } }, JSON.parse('{"v": 1e999}'));
    expect(issues).toEqual([{ path: "v", rule: "type", message: "v: Infinity is not a finite number" }]);
  });

  it("convert: from a fixed unit, or a unit in the data", async () => {
    const template = {
      d: { path: "/distance", convert: { from: { path: "/unit" }, to: "m" }, round: 1 },
      e: { path: "/kj", convert: { from: "kJ", to: "kcal" }, round: 3 },
    };
    expect(await recordOf(template, { distance: 7.97, unit: "mi", kj: 4.184 })).toEqual({ d: 12826.5, e: 1 });
    expect(await recordOf(template, { distance: 5.2, unit: "Kilometer" })).toEqual({ d: 5200 });
    const issues = await issuesOf(template, { distance: 3, unit: "furlong" });
    expect(issues).toEqual([{ path: "d", rule: "convert", message: 'd: unknown unit "furlong"' }]);
    expect((await issuesOf(template, { distance: 3, unit: "kg" }))[0]!.message).toBe("d: cannot convert mass (kg) to length (m)");
    expect((await issuesOf(template, { distance: 3, unit: 5 }))[0]!.message).toMatch(/the unit to convert from \(\/unit\) is 5, not a unit name/);
    expect(await issuesOf(template, { distance: "far", unit: "m" })).toEqual([{ path: "d", rule: "convert", message: 'd: expected a number, got "far"' }]);
    expect(
      await recordOf(
        { s: { path: "/duration", convert: { from: "iso8601", to: "s" } }, n: { path: "/n", convert: { from: "min", to: "s" } } },
        { duration: "PT1H2M3S", n: "2" },
      ),
    ).toEqual({ s: 3723, n: 120 });
  });

  it("enum maps codes, with a default, optionally without case; unknown codes without a default fail", async () => {
    const template = {
      type: { path: "/sport", enum: { map: { cycling: 1, running: 8, "90009": 8 }, caseInsensitive: true, default: 4 } },
      strict: { path: "/level", enum: { map: { easy: 1, hard: 3 } } },
    };
    expect(await recordOf(template, { sport: "CYCLING", level: "hard" })).toEqual({ type: 1, strict: 3 });
    expect(await recordOf(template, { sport: 90009 })).toEqual({ type: 8 });
    expect(await recordOf(template, { sport: "curling" })).toEqual({ type: 4 });
    expect(await issuesOf(template, { sport: "running", level: "HARD" })).toEqual([
      { path: "strict", rule: "enum", message: 'strict: unknown code "HARD"; known: easy, hard (add it, or a `default`)' },
    ]);
  });

  it("time converts with offsets, zones and added seconds (details in time.test.ts)", async () => {
    const template = {
      t: { path: "/start", time: { format: "unix_seconds", timezone: { path: "/tz" }, add: 60 } },
      d: { path: "/start", time: { format: "unix_seconds", offset: "+09:00", output: "date" } },
    };
    expect(await recordOf(template, { start: 1670191506, tz: "America/New_York" })).toEqual({ t: "2022-12-04T17:06:06.000000-05:00", d: "2022-12-05" });
    expect(await issuesOf(template, { start: 1670191506, tz: "Nowhere" })).toEqual([
      { path: "t", rule: "time", message: expect.stringMatching(/^t: unknown time zone "Nowhere"/) },
    ]);
  });

  it("type timezone keeps a zone known here; an unknown one, or one that is not text, is left out with a note (once per record), the record delivered at the default", async () => {
    const spec = {
      let: { zone: { path: "/tz", type: "timezone" as const }, shown_in: { var: "zone", default: "UTC" } },
      template: {
        zone: { var: "zone" },
        // 2026-03-29T00:30:00Z and 01:30:00Z: either side of Helsinki's change to summer time (01:00 UTC).
        start: { path: "/start", time: { format: "datetime", timezone: { var: "shown_in" } } },
        end: { path: "/end", time: { format: "datetime", timezone: { var: "shown_in" } } },
        again: { path: "/tz", type: "timezone" },
      },
    };
    const mapping = compile(spec);
    const times = { start: "2026-03-29T00:30:00Z", end: "2026-03-29T01:30:00Z" };
    expect(await mapping.map({ ...times, tz: "Europe/Helsinki" })).toEqual({
      kind: "record",
      record: { zone: "Europe/Helsinki", start: "2026-03-29T02:30:00.000000+02:00", end: "2026-03-29T04:30:00.000000+03:00", again: "Europe/Helsinki" },
    });
    expect(await mapping.map({ ...times, tz: "+05:30" })).toMatchObject({ kind: "record", record: { start: "2026-03-29T06:00:00.000000+05:30" } });
    for (const tz of [undefined, null, " "])
      expect(await mapping.map({ ...times, tz })).toEqual({
        kind: "record",
        record: { start: "2026-03-29T00:30:00.000000+00:00", end: "2026-03-29T01:30:00.000000+00:00" },
      });
    const unknown = await mapping.map({ ...times, tz: "Mars/Olympus" });
    expect(unknown).toEqual({
      kind: "record",
      record: { start: "2026-03-29T00:30:00.000000+00:00", end: "2026-03-29T01:30:00.000000+00:00" },
      notes: [
        { path: "let.zone", rule: "type", message: expect.stringMatching(/^let\.zone: "Mars\/Olympus" is not a time zone known here/) },
        { path: "again", rule: "type", message: expect.stringMatching(/^again: "Mars\/Olympus" is not a time zone known here/) },
      ],
    });
    expect(await mapping.map({ ...times, tz: 7200 })).toMatchObject({
      kind: "record",
      notes: [{ path: "let.zone", message: expect.stringContaining("7200 is not a time zone") }, {}],
    });
    // Inside a list, a note names the field of any element: the same for every element, it is kept once.
    const listed = await compile({ template: { zones: { each: { path: "/items" }, item: { z: { path: "/tz", type: "timezone" } } } } }).map({
      items: [{ tz: "Nowhere" }, { tz: "Nowhere" }, { tz: "Europe/Paris" }, { tz: "Elsewhere" }],
    });
    expect(listed).toEqual({
      kind: "record",
      record: { zones: [{ z: "Europe/Paris" }] },
      notes: [
        { path: "zones[].z", rule: "type", message: expect.stringMatching(/^zones\[\]\.z: "Nowhere" is not/) },
        { path: "zones[].z", rule: "type", message: expect.stringMatching(/^zones\[\]\.z: "Elsewhere" is not/) },
      ],
    });
  });

  it("default fills absent and null values as written; required fails the record naming the field and the source", async () => {
    const template = {
      metadata: {
        summary_id: { path: "/id", type: "string", required: true },
        name: { path: "/name", default: "Workout" },
        zero: { path: "/z", default: 0, required: true },
      },
    };
    expect(await recordOf(template, { id: 12, name: null })).toEqual({ metadata: { summary_id: "12", name: "Workout", zero: 0 } });
    expect(await mapOne(template, { name: "Ride" })).toEqual({
      kind: "failed",
      issues: [{ path: "metadata.summary_id", rule: "required", message: "metadata.summary_id: required, but /id has no value in the provider record" }],
      partial: { metadata: { name: "Ride", zero: 0 } },
    });
    expect((await issuesOf(template, { id: null }))[0]!.message).toMatch(/\/id is null/);
  });

  it("a failed value is not also reported as missing", async () => {
    expect(await issuesOf({ n: { path: "/n", type: "number", required: true } }, { n: "x" })).toEqual([
      { path: "n", rule: "type", message: 'n: "x" is not a number' },
    ]);
  });
});

describe("lists", () => {
  it("each maps every element, drops absent items and items lacking a required field", async () => {
    const template = {
      samples: { each: { path: "/s" }, item: { bpm: { path: "/hr" }, at: { path: "/t" } }, require: ["bpm"] },
      empty: { each: { path: "/none" }, item: { x: 1 } },
      zero: { each: { path: "/zero" }, item: { x: 1 } },
    };
    expect(await recordOf(template, { s: [{ hr: 60, t: 1 }, { t: 2 }, { hr: null, t: 3 }, { hr: 61 }], zero: [] })).toEqual({
      samples: [{ bpm: 60, at: 1 }, { bpm: 61 }],
      zero: [],
    });
  });

  it("each over an object's entries, with nested each and dotted require paths", async () => {
    const template = {
      zones: { each: { path: "/zones" }, entries: true, item: { name: { path: "/key" }, seconds: { path: "/value", scale: 0.001 } } },
      nested: {
        each: { path: "/laps" },
        item: { lap: { var: "index" }, points: { each: { path: "/p" }, item: { at: { a: { path: "" } } }, require: ["at.a"] } },
      },
    };
    expect(await recordOf(template, { zones: { zone_one_milli: 600000, zone_two_milli: 900000 }, laps: [{ p: [1, null, 2] }, { p: [] }] })).toEqual({
      zones: [
        { name: "zone_one_milli", seconds: 600 },
        { name: "zone_two_milli", seconds: 900 },
      ],
      nested: [
        { lap: 0, points: [{ at: { a: 1 } }, { at: { a: 2 } }] },
        { lap: 1, points: [] },
      ],
    });
  });

  it("zip walks parallel arrays as long as the shortest; an absent array makes the list absent", async () => {
    const template = {
      hr: {
        zip: { offset: { path: "/graph/seconds" }, bpm: { path: "/graph/hr" } },
        item: { t: { path: "/offset" }, bpm: { path: "/bpm" }, i: { var: "index" } },
        require: ["bpm"],
      },
      keep: 1,
    };
    expect(await recordOf(template, { graph: { seconds: [1, 2, 3, 4], hr: [101, null, 103] } })).toEqual({
      hr: [
        { t: 1, bpm: 101, i: 0 },
        { t: 3, bpm: 103, i: 2 },
      ],
      keep: 1,
    });
    expect(await recordOf(template, { graph: { seconds: [1, 2] } })).toEqual({ keep: 1 });
  });

  it("a list source that is not a list fails with the field's path", async () => {
    expect(await issuesOf({ a: { each: { path: "/x" }, item: { path: "" } } }, { x: 5 })).toEqual([
      { path: "a", rule: "each", message: "a: /x is 5, not a list" },
    ]);
    expect(await issuesOf({ a: { each: { path: "/x" }, entries: true, item: { path: "" } } }, { x: [1] })).toEqual([
      { path: "a", rule: "each", message: "a: /x is a list of 1, not an object to iterate with `entries`" },
    ]);
    expect(await issuesOf({ a: { zip: { p: { path: "/x" }, q: { path: "/y" } }, item: { path: "/p" } } }, { x: [1], y: "no" })).toEqual([
      { path: "a", rule: "zip", message: 'a: q (/y) is "no", not a list' },
    ]);
  });

  it("issues inside lists name the element by its position in the provider's list", async () => {
    const issues = await issuesOf(
      { data: { samples: { each: { path: "/s" }, item: { bpm: { path: "/hr", type: "number" } } } } },
      { s: [{ hr: 1 }, { hr: "x" }, { hr: 2 }, { hr: "y" }] },
    );
    expect(issues.map((i) => i.path)).toEqual(["data.samples[1].bpm", "data.samples[3].bpm"]);
  });

  it("lists at most 50 issues per record and says how many more there were", async () => {
    const issues = await issuesOf({ s: { each: { path: "/s" }, item: { path: "", type: "number" } } }, { s: Array.from({ length: 80 }, () => "x") });
    expect(issues).toHaveLength(51);
    expect(issues[50]).toEqual({ path: "", rule: "limit", message: "(record): 30 more issues not listed" });
  });
});

describe("templates", () => {
  it("drops absent fields and objects left empty, never writing undefined; the record itself is always an object", async () => {
    const out = await recordOf({ a: { b: { path: "/missing" } }, c: { path: "/c" }, d: { e: { path: "/e" }, f: { path: "/f" } } }, { c: 0, e: "" });
    expect(out).toEqual({ c: 0, d: { e: "" } });
    expect(JSON.stringify(out)).toBe('{"c":0,"d":{"e":""}}');
    expect(await recordOf({ a: { path: "/x" } }, {})).toEqual({});
  });

  it("an array is a tuple, present only when every item is", async () => {
    const template = { s: { each: { path: "/p" }, item: { coords: [{ path: "/lat" }, { path: "/lng" }] }, require: ["coords"] } };
    expect(await recordOf(template, { p: [{ lat: 1, lng: 2 }, { lat: 3 }] })).toEqual({ s: [{ coords: [1, 2] }] });
  });

  it("fields keep the template's order", async () => {
    expect(Object.keys(await recordOf({ z: 1, a: { path: "/a" }, m: 2 }, { a: 0 }))).toEqual(["z", "a", "m"]);
  });
});

describe("when", () => {
  it("skips records for which it is false, with no issue", async () => {
    const mapping = compile({ when: 'status = "COMPLETE"', template: { id: { path: "/id", required: true } } });
    expect(await mapping.map({ status: "IN_PROGRESS" })).toEqual({ kind: "skip" });
    expect(await mapping.map({ status: "COMPLETE", id: "w1" })).toEqual({ kind: "record", record: { id: "w1" } });
  });

  it("may not read let values, which are computed after it", () => {
    const { problems } = compileError({ when: "$x > 1", let: { x: { path: "/x" } }, template: {} });
    expect(problems).toEqual([
      { path: "mappings.activity.when", message: "reads $x, but `when` runs before the `let` values are computed; read the record instead" },
    ]);
  });
});

describe("synchronous and asynchronous mappings", () => {
  it("a mapping without expressions maps synchronously", () => {
    const mapping = compile({ template: { a: { path: "/a", type: "number" }, l: { each: { path: "/l" }, item: { path: "" } } } });
    expect(mapping.synchronous).toBe(true);
    const outcome = mapping.map({ a: "1", l: [1] });
    expect(outcome).not.toBeInstanceOf(Promise);
    expect(outcome).toEqual({ kind: "record", record: { a: 1, l: [1] } });
  });

  it("an expression anywhere (let, when, template, a time input) makes it asynchronous", () => {
    expect(compile({ let: { a: { expr: "1" } }, template: {} }).synchronous).toBe(false);
    expect(compile({ when: "true", template: {} }).synchronous).toBe(false);
    expect(compile({ template: { t: { path: "/t", time: { format: "unix_seconds", timezone: { expr: "tz" } } } } }).synchronous).toBe(false);
  });
});

describe("compile-time problems", () => {
  it("lists every mistake at once, with its place in the spec", () => {
    const { message, problems } = compileError({
      let: { sum: { path: "/a" }, record: { path: "/b" } },
      template: {
        a: { path: "/x", convert: { from: "mi", to: "kg" } },
        b: { expr: "$match(a, /x+/)" },
        c: { var: "nope" },
        d: { path: "/t", time: { format: "datetime", timezone: "Mars/Olympus", offset: "+99:00" } },
        e: { path: "/e", convert: { from: "m", to: "parsecs" } },
        f: { var: "index" },
        g: { each: { path: "/g" }, item: { path: "" }, require: ["a..b"] },
        h: { expr: "a +" },
        i: { path: "/i", enum: { map: { A: 1, a: 2 }, caseInsensitive: true } },
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      "mappings.activity.let.sum",
      "mappings.activity.let.record",
      "mappings.activity.template.a.convert.from",
      "mappings.activity.template.b.expr",
      "mappings.activity.template.c.var",
      "mappings.activity.template.d.time.offset",
      "mappings.activity.template.d.time.timezone",
      "mappings.activity.template.e.convert.to",
      "mappings.activity.template.f.var",
      "mappings.activity.template.g.require",
      "mappings.activity.template.h.expr",
      "mappings.activity.template.i.enum.map",
    ]);
    expect(message).toMatch(
      /^Mapping "mappings.activity" is invalid \(12 problems\):\n {2}- mappings.activity.let.sum: the name is taken \(\$sum is a JSONata function\)/,
    );
    expect(message).toContain("mappings.activity.template.a.convert.from: cannot convert length (mi) to mass (kg)");
    expect(message).toContain('mappings.activity.template.h.expr: "a +": syntax error');
  });

  it("checks the shape against the connector meta-schema first", () => {
    const { problems } = compileError({ template: { a: { path: "/a", var: "b" } }, extra: 1 });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/extra/);
  });

  it("refuses a __proto__ field in a template", () => {
    const template = JSON.parse('{"__proto__": {"path": "/a"}}') as Record<string, unknown>;
    expect(compileError({ template }).problems).toEqual([{ path: "mappings.activity.template.__proto__", message: "is not a field name an output may have" }]);
  });
});
