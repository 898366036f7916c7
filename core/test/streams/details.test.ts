import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../../src/contracts/connector.ts";
import type { TributaryError } from "../../src/errors/tributary-error.ts";
import { clientFor, reply, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import { collect, executorFor, ids, stream } from "./stream-helpers.ts";

const window = { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-01-02T00:00:00Z") };
const LIST = Array.from({ length: 12 }, (_, i) => ({ id: `w${i}`, status: i % 4 === 3 ? "IN_PROGRESS" : "COMPLETE", kind: i % 2 === 0 ? "ride" : "run" }));

describe("per-record details, filter and ids", () => {
  let provider: MockProvider;
  let client: ReturnType<typeof clientFor>["client"];
  let closeClient: () => Promise<void>;
  let inFlight = 0;
  let mostInFlight = 0;
  let profileCalls = 0;

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/list", async () => ({ data: LIST }));
      app.get("/detail/:id", async (request) => {
        const { id } = request.params as { id: string };
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // Later records answer faster: order must come from the list, not from the answers.
        await new Promise((resolve) => setTimeout(resolve, 60 - Number(id.slice(1)) * 4));
        inFlight -= 1;
        return { detail_of: id, extra: { nested: id.toUpperCase() } };
      });
      app.get("/graph/:id", async (request, response) => {
        const { id } = request.params as { id: string };
        if (id === "w2") return reply(response, 500, { error: "graph service down" });
        if (id === "w4") return reply(response, 404, { error: "no graph" });
        return { graph: [1, 2, 3] };
      });
      app.get("/strict/:id", async (request, response) => {
        const { id } = request.params as { id: string };
        return id === "w1" ? reply(response, 404, { message: "gone" }) : { ok: id };
      });
      app.get("/profile", async () => {
        profileCalls += 1;
        return { user: { timezone: "Europe/Berlin" } };
      });
      app.get("/noid", async () => ({ data: [{ name: "a" }, { id: 7 }, "junk", { id: 7 }] }));
    });
    const made = clientFor(specFor(provider.url, { maxAttempts: 1 }));
    client = made.client;
    closeClient = made.close;
  });
  afterAll(async () => {
    await closeClient?.();
    await provider?.close();
  });

  const base = (details: StreamSpec["details"], extra: Partial<StreamSpec> = {}) => stream({ request: { path: "/list" }, records: "/data", details, ...extra });

  it("details run a few records ahead (bounded), are attached under their names, and records keep the list's order", async () => {
    mostInFlight = 0;
    const executor = executorFor({ name: "D" }, { detailConcurrency: 3 });
    const reading = executor.readStream(
      base([
        { name: "workout", request: { path: "/detail/{record.id}" } },
        { name: "nested", request: { path: "/detail/{record.id}" }, select: "/extra/nested" },
      ]),
      window,
      { session: client.session() },
    );
    const records = await collect(reading);
    expect(ids(records)).toEqual(LIST.map((r) => r.id));
    expect(records[5]).toMatchObject({ id: "w5", workout: { detail_of: "w5" }, nested: "W5" });
    expect(mostInFlight).toBeLessThanOrEqual(3);
    expect(mostInFlight).toBeGreaterThanOrEqual(2);
    expect(reading.stats).toMatchObject({ records: 12, detailRequests: 24, pages: 1 });
  });

  it("a once detail is fetched once per read and attached to every record; another read fetches it again", async () => {
    const spec = stream({ path: "/list", records: "/data", details: [{ name: "profile", request: { path: "/profile" }, select: "/user", once: true }] });
    const before = profileCalls;
    const reading = executorFor({ name: "X" }).readStream(spec, window, { session: client.session() });
    const records = await collect(reading);
    expect(records).toHaveLength(12);
    expect(records.every((record) => (record.profile as { timezone: string }).timezone === "Europe/Berlin")).toBe(true);
    expect(profileCalls - before).toBe(1);
    expect(reading.stats.detailRequests).toBe(1);
    await collect(executorFor({ name: "X" }).readStream(spec, window, { session: client.session() }));
    expect(profileCalls - before).toBe(2);
  });

  it("filter drops records before their details are fetched; `when` decides per detail", async () => {
    const before = provider.requests.length;
    const reading = executorFor({ name: "D" }).readStream(
      base([{ name: "workout", request: { path: "/detail/{record.id}" }, when: 'kind = "ride"' }], { filter: 'status = "COMPLETE"' }),
      window,
      { session: client.session() },
    );
    const records = await collect(reading);
    expect(ids(records)).toEqual(LIST.filter((r) => r.status === "COMPLETE").map((r) => r.id));
    expect(records.filter((r) => "workout" in r).map((r) => r.id)).toEqual(LIST.filter((r) => r.status === "COMPLETE" && r.kind === "ride").map((r) => r.id));
    expect(reading.stats.filtered).toBe(3);
    const detailCalls = provider.requests.slice(before).filter((r) => r.path.startsWith("/detail/"));
    expect(detailCalls.map((r) => r.path)).toEqual(LIST.filter((r) => r.status === "COMPLETE" && r.kind === "ride").map((r) => `/detail/${r.id}`));
  });

  it("an optional detail that fails (5xx after its attempts, 404) leaves its key absent; the record goes on", async () => {
    const reading = executorFor({ name: "D" }).readStream(
      base([{ name: "performance_graph", request: { path: "/graph/{record.id}" }, optional: true }]),
      window,
      { session: client.session() },
    );
    const records = await collect(reading);
    expect(records).toHaveLength(12);
    expect(records.filter((r) => !("performance_graph" in r)).map((r) => r.id)).toEqual(["w2", "w4"]);
    expect(reading.stats.detailFailures).toBe(2);
  });

  it("a required detail that fails for good rejects that record (for quarantine), or the read when nobody takes rejects", async () => {
    const rejected: { record: ProviderRecord; error: TributaryError }[] = [];
    const spec = base([{ name: "strict", request: { path: "/strict/{record.id}" } }]);
    const reading = executorFor({ name: "D" }).readStream(spec, window, {
      session: client.session(),
      onRejected: (record, error) => void rejected.push({ record, error }),
    });
    const records = await collect(reading);
    expect(records.map((r) => r.id)).not.toContain("w1");
    expect(records).toHaveLength(11);
    expect(rejected.map((r) => r.record.id)).toEqual(["w1"]);
    expect(rejected[0]!.error).toMatchObject({ code: "ERR_PROVIDER_REQUEST_FAILED", details: { status: 404 } });
    expect(reading.stats.rejected).toBe(1);
    await expect(collect(executorFor({ name: "D" }).readStream(spec, window, { session: client.session() }))).rejects.toMatchObject({
      code: "ERR_PROVIDER_REQUEST_FAILED",
    });
  });

  it("a required detail whose provider stays down fails the read (to be retried), not the record", async () => {
    const spec = base([{ name: "graph", request: { path: "/graph/{record.id}" } }]);
    const rejected: unknown[] = [];
    await expect(
      collect(executorFor({ name: "D" }).readStream(spec, window, { session: client.session(), onRejected: (r) => void rejected.push(r) })),
    ).rejects.toMatchObject({
      code: "ERR_PROVIDER_UNAVAILABLE",
    });
    expect(rejected).toEqual([]);
  });

  it("records without an id are counted and still handed out; repeated ids and non-objects are not", async () => {
    const reading = executorFor({ name: "D" }).readStream(stream({ request: { path: "/noid" }, records: "/data" }), window, { session: client.session() });
    expect(await collect(reading)).toEqual([{ name: "a" }, { id: 7 }]);
    expect(reading.stats).toMatchObject({ missingIds: 1, duplicates: 1, malformed: 1 });
  });

  it("an expression that throws on a record rejects that record only (filter and when alike)", async () => {
    const picky = executorFor(
      { name: "D" },
      {
        compileExpression: () => (record) => {
          if (record.id === "w5") throw new Error("type mismatch");
          return true;
        },
      },
    );
    const rejected: { id: unknown; code: string }[] = [];
    const onRejected = (record: ProviderRecord, error: TributaryError) => void rejected.push({ id: record.id, code: error.code });
    const filtered = await collect(picky.readStream(base(undefined, { filter: "anything" }), window, { session: client.session(), onRejected }));
    expect(filtered).toHaveLength(11);
    const when = await collect(
      picky.readStream(base([{ name: "workout", request: { path: "/detail/{record.id}" }, when: "anything" }]), window, {
        session: client.session(),
        onRejected,
      }),
    );
    expect(ids(when)).toEqual(LIST.filter((r) => r.id !== "w5").map((r) => r.id));
    expect(rejected).toEqual([
      { id: "w5", code: "ERR_MAPPING_FAILED" },
      { id: "w5", code: "ERR_MAPPING_FAILED" },
    ]);
  });

  it("a filter needs an expression engine", async () => {
    const bare = executorFor({ name: "D" }, { compileExpression: undefined as never });
    expect(() => bare.readStream(base(undefined, { filter: 'status = "COMPLETE"' }), window, { session: client.session() })).toThrow(/no expression engine/);
  });
});
