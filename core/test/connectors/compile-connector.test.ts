import { realpathSync } from "node:fs";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileConnector, effectiveSync } from "../../src/connectors/index.ts";
import { defineConnector } from "../../src/contracts/connector.ts";
import { createLogger, silentLogger } from "../../src/log/logger.ts";
import { BUILTIN_PLUGINS, createPluginRegistry } from "../../src/registry/index.ts";
import type { ConnectorDefinition } from "../../src/spec/index.ts";

const INSIDERS_DIR = fileURLToPath(new URL("../../../connectors/insiders", import.meta.url));
const log = silentLogger();

/** A read-hook connector with a push-only data type: daily is pulled, activity only arrives by push. */
function mixedConnector(): ConnectorDefinition {
  return defineConnector({
    spec: {
      name: "MIXED",
      displayName: "Mixed",
      dataTypes: ["daily", "activity"],
      auth: { type: "none" },
      streams: { daily: [{ name: "days", id: "/date" }] },
      webhook: {
        verify: { scheme: "terra", header: "x-mixed-signature" },
        userId: "/user",
        eventType: "/event",
        events: { "activity.push": { action: "records", dataType: "activity", records: "/records" }, "*": { action: "ignore" } },
      },
      mappings: {
        activity: {
          template: {
            metadata: {
              summary_id: { path: "/id", type: "string", required: true },
              start_time: { path: "/start", time: { format: "datetime" }, required: true },
              end_time: { path: "/end", time: { format: "datetime" }, required: true },
              type: 0,
              upload_type: 0,
            },
          },
        },
      },
      sync: { pollIntervalSeconds: 900, minPollIntervalSeconds: 600, pollJitterSeconds: 30 },
    },
    hooks: {
      read: {
        days: async function* (ctx) {
          for (let t = ctx.window.start.getTime(); t < ctx.window.end.getTime(); t += 86_400_000) yield { date: new Date(t).toISOString().slice(0, 10) };
        },
      },
      map: {
        daily: (record) =>
          ({
            metadata: { start_time: `${String(record.date)}T00:00:00.000000+00:00`, end_time: `${String(record.date)}T23:59:59.000000+00:00`, upload_type: 0 },
          }) as never,
      },
    },
  });
}

describe("compileConnector", () => {
  it("works out what can be pulled and what only arrives by push, and the sync with its floor", () => {
    const connector = compileConnector(mixedConnector());
    expect(connector).toMatchObject({ name: "MIXED", displayName: "Mixed", pullTypes: ["daily"], pushTypes: ["activity"] });
    expect(connector.canPull("daily")).toBe(true);
    expect(connector.canPull("activity")).toBe(false);
    expect(connector.sync).toMatchObject({ backfillDays: 28, reconcileDays: 2, pollJitterSeconds: 30, pollIntervalSeconds: 900 });
    // The operator may poll more or less often, never under the connector's floor.
    expect(effectiveSync(connector, { pollIntervalSeconds: 60, backfillDays: 7 })).toMatchObject({ pollIntervalSeconds: 600, backfillDays: 7 });
    expect(effectiveSync(connector, { pollIntervalSeconds: 3600 })).toMatchObject({ pollIntervalSeconds: 3600, backfillDays: 28 });
    expect(connector.definition.spec.name).toBe("MIXED");
  });

  it("reads a read-hook stream window by window and maps it with its map hook, in slices", async () => {
    const connector = compileConnector(mixedConnector());
    const slices = [];
    for await (const slice of connector.read("daily", {
      connection: { userId: "u1", provider: "MIXED" },
      range: { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-31T00:00:00Z") },
      withSamples: false,
      signal: new AbortController().signal,
      log,
      sliceSize: 7,
    })) {
      slices.push(slice);
    }
    expect(slices.map((slice) => slice.valid.length)).toEqual([7, 7, 7, 7, 2]);
    expect(slices.every((slice) => slice.stream === "days" && slice.rejected.length === 0)).toBe(true);
  });

  it("a pulled stream's records go through its transform hook before mapping; one the hook throws on is rejected as received", async () => {
    const definition = mixedConnector();
    const connector = compileConnector({
      ...definition,
      hooks: {
        ...definition.hooks,
        transform: {
          days: (record) => {
            if (record.date === "2026-01-03") throw new Error("no such day");
            return { date: String(record.date).replace("2026-", "2025-") };
          },
        },
      },
    });
    const slices = [];
    for await (const slice of connector.read("daily", {
      connection: { userId: "u1", provider: "MIXED" },
      range: { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-05T00:00:00Z") },
      withSamples: false,
      signal: new AbortController().signal,
      log,
    })) {
      slices.push(slice);
    }
    const valid = slices.flatMap((slice) => slice.valid) as { metadata: { start_time: string } }[];
    expect(valid.map((record) => record.metadata.start_time.slice(0, 10))).toEqual(["2025-01-01", "2025-01-02", "2025-01-04"]);
    expect(slices.flatMap((slice) => slice.rejected)).toEqual([
      { record: null, raw: { date: "2026-01-03" }, issues: [{ path: "", rule: "transform", message: 'transform hook "days" failed: no such day' }] },
    ]);
  });

  it("records of a mapping with merge are parts: each valid one of a pulled slice carries its part id; one without a part id is rejected", async () => {
    const connector = compileConnector(
      defineConnector({
        spec: {
          name: "SLICES",
          displayName: "Slices",
          dataTypes: ["daily"],
          auth: { type: "none" },
          streams: { daily: [{ name: "slices", id: "/id" }] },
          mappings: {
            daily: {
              merge: { part: "/id", precedence: 2 },
              template: {
                metadata: {
                  start_time: { path: "/day", time: { format: "date" }, required: true },
                  end_time: { path: "/day", time: { format: "date", add: 86400 } },
                  upload_type: 1,
                },
                MET_data: { MET_samples: [{ timestamp: { path: "/at", time: { format: "datetime" } }, level: { path: "/met" } }] },
              },
            },
          },
        },
        hooks: {
          read: {
            slices: async function* () {
              yield { id: "s1", day: "2026-03-10", at: "2026-03-10T08:30:00Z", met: 1 };
              yield { id: 7, day: "2026-03-10", at: "2026-03-10T08:45:00Z", met: 9.8 };
              yield { day: "2026-03-10", at: "2026-03-10T09:00:00Z", met: 2 };
            },
          },
        },
      }),
    );
    const slices = [];
    for await (const slice of connector.read("daily", {
      connection: { userId: "u1", provider: "SLICES" },
      range: { start: new Date("2026-03-10T00:00:00Z"), end: new Date("2026-03-11T00:00:00Z") },
      withSamples: true,
      signal: new AbortController().signal,
      log,
    }))
      slices.push(slice);
    expect(slices).toHaveLength(1);
    const [slice] = slices;
    expect(slice!.valid.map((record) => slice!.parts?.get(record))).toEqual([
      { id: "daily:s1", precedence: 2 },
      { id: "daily:7", precedence: 2 },
    ]);
    expect(slice!.rejected.map((rejected) => rejected.issues)).toEqual([[{ path: "/id", rule: "merge", message: "mappings.daily.merge: no part id at /id" }]]);
  });

  it("refuses to pull a push-only data type", async () => {
    const connector = compileConnector(mixedConnector());
    const read = async () => {
      for await (const slice of connector.read("activity", {
        connection: { userId: "u1", provider: "MIXED" },
        range: { start: new Date(0), end: new Date(1) },
        withSamples: false,
        signal: new AbortController().signal,
        log,
      }))
        void slice;
    };
    await expect(read()).rejects.toMatchObject({ code: "ERR_DATA_TYPE_UNSUPPORTED" });
  });

  it("maps pushed records with the declarative mapping: valid ones kept, broken ones rejected with their raw record", async () => {
    const connector = compileConnector(mixedConnector());
    const normalized = await connector.normalize(
      "activity",
      [{ id: "a1", start: "2026-01-01T10:00:00.000000+00:00", end: "2026-01-01T11:00:00.000000+00:00" }, { start: 12 }],
      { connection: { userId: "u1", provider: "MIXED" }, withSamples: true, log },
    );
    expect(normalized.valid).toHaveLength(1);
    expect(normalized.rejected).toHaveLength(1);
    expect(normalized.rejected[0]!.raw).toEqual({ start: 12 });
  });

  it("logs what a mapping noted (a zone not known here) once per process, however many records say it; the records are delivered", async () => {
    const definition = mixedConnector();
    const activity = definition.spec.mappings!.activity!;
    activity.let = { zone: { path: "/tz", type: "timezone" }, shown_in: { var: "zone", default: "UTC" } };
    activity.template.metadata = {
      ...(activity.template.metadata as object),
      start_time: { path: "/start", time: { format: "datetime", timezone: { var: "shown_in" } }, required: true },
    };
    const connector = compileConnector(definition);
    const lines: Array<{ level: number; msg: string; field?: string }> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const ctx = { connection: { userId: "u1", provider: "MIXED" }, withSamples: true, log: createLogger({ level: "info", destination, format: "json" }) };
    const record = (id: string, tz: string) => ({ id, tz, start: "2026-01-01T10:00:00Z", end: "2026-01-01T11:00:00Z" });
    const first = await connector.normalize("activity", [record("a1", "Mars/Olympus"), record("a2", "Mars/Olympus"), record("a3", "Europe/Paris")], ctx);
    const again = await connector.normalize("activity", [record("a4", "Mars/Olympus"), record("a5", "Venus/Maxwell")], ctx);
    expect([...first.valid, ...again.valid].map((r: any) => r.metadata.start_time)).toEqual([
      "2026-01-01T10:00:00.000000+00:00",
      "2026-01-01T10:00:00.000000+00:00",
      "2026-01-01T11:00:00.000000+01:00",
      "2026-01-01T10:00:00.000000+00:00",
      "2026-01-01T10:00:00.000000+00:00",
    ]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        field: "let.zone",
        msg: expect.stringMatching(/^MIXED mappings\.activity: let\.zone: "Mars\/Olympus" is not a time zone known here/),
      }),
      expect.objectContaining({ level: 40, field: "let.zone", msg: expect.stringContaining('"Venus/Maxwell" is not a time zone known here') }),
    ]);
  });

  it("refuses a webhook that delivers records of a data type the connector cannot map", () => {
    const definition = mixedConnector();
    const broken: ConnectorDefinition = { ...definition, spec: { ...definition.spec, mappings: {} } };
    expect(() => compileConnector(broken)).toThrow(expect.objectContaining({ code: "ERR_PLUGIN_INVALID", message: expect.stringContaining("no mapping") }));
  });
});

describe("plugin registry", () => {
  it("loads the built-in connectors: SANDBOX and every provider, the YAML-only ones included", async () => {
    const registry = createPluginRegistry();
    await registry.load(BUILTIN_PLUGINS.filter((specifier) => specifier.includes("connector-")));
    expect(
      registry
        .connectors()
        .map((connector) => connector.name)
        .sort(),
    ).toEqual(["FITBIT", "GARMIN", "INSIDERS", "OURA", "PELOTON", "POLAR", "SANDBOX", "STRAVA", "WAHOO", "WHOOP", "WITHINGS", "XERT"]);
    const insiders = registry.connector("INSIDERS");
    expect(insiders).toMatchObject({
      pullTypes: ["activity"],
      pushTypes: ["activity"],
      auth: { type: "oauth2" },
      sync: { backfillDays: 90, reconcileDays: 2 },
    });
    expect(insiders.icon).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(realpathSync(insiders.definition.dir!)).toBe(realpathSync(INSIDERS_DIR));
  });

  it("loads a YAML connector from its folder or its connector.yaml, and names a broken spec's mistakes", async () => {
    for (const specifier of [INSIDERS_DIR, `${INSIDERS_DIR}/connector.yaml`]) {
      const registry = createPluginRegistry();
      await registry.load([specifier]);
      expect(registry.hasConnector("INSIDERS")).toBe(true);
    }
    const registry = createPluginRegistry();
    await expect(registry.load([`${INSIDERS_DIR}/fixtures`])).rejects.toMatchObject({ code: "ERR_PLUGIN_LOAD" });
  });

  it("refuses two connectors of one name", () => {
    expect(() => createPluginRegistry([mixedConnector(), mixedConnector()])).toThrow(expect.objectContaining({ code: "ERR_PLUGIN_DUPLICATE" }));
  });
});
