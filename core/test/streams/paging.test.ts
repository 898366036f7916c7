import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamSpec } from "@tributary/schemas";
import { clientFor, reply, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import { collect, executorFor, ids, stream } from "./stream-helpers.ts";

const DATA = [1, 2, 3, 4, 5].map((id) => ({ id, name: `r${id}` }));
const window = { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-01-02T00:00:00Z") };

describe("stream paging: every paging type and stop rule", () => {
  let provider: MockProvider;
  let closeClient: () => Promise<void>;
  let client: ReturnType<typeof clientFor>["client"];
  const executor = executorFor({ name: "PAGING" });

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/page", async (request) => {
        const { page, limit, base } = request.query as Record<string, string>;
        const size = Number(limit ?? 2);
        const index = Number(page) - Number(base ?? 1);
        const pageCount = Math.ceil(DATA.length / size);
        return {
          data: DATA.slice(index * size, index * size + size),
          page: Number(page),
          page_count: pageCount,
          show_next: index + 1 < pageCount,
          total: DATA.length,
        };
      });
      app.get("/offset", async (request) => {
        const { offset, limit, said } = request.query as Record<string, string>;
        const start = Number(offset);
        const items = DATA.slice(start, start + Number(limit));
        // The provider may say where to go next (here: past a gap it does not serve).
        return said ? { body: { items, offset: start + Number(limit), more: start + Number(limit) < DATA.length ? 1 : 0 } } : { items };
      });
      app.get("/cursor", async (request) => {
        const { next_token: token } = request.query as Record<string, string>;
        const start = token ? Number(token.slice(1)) : 0;
        const next = start + 2 < DATA.length ? `c${start + 2}` : null;
        return { records: DATA.slice(start, start + 2), next_token: next };
      });
      app.get("/loop", async () => ({ records: [DATA[0]], next_token: "same" }));
      app.get("/fitbit-list", async (request) => {
        const offset = Number((request.query as Record<string, string>).offset ?? 0);
        const next = offset + 2 < DATA.length ? `${provider.url}/fitbit-list?offset=${offset + 2}&limit=2` : "";
        return { activities: DATA.slice(offset, offset + 2), pagination: { next, previous: "" } };
      });
      app.get("/evil-next", async () => ({ activities: [DATA[0]], pagination: { next: "https://evil.example.test/steal?x=1" } }));
      app.get("/link-header", async (request, response) => {
        const cursor = Number((request.query as Record<string, string>).cursor ?? 0);
        const link = cursor + 2 < DATA.length ? `</link-header?cursor=${cursor + 2}>; rel="next", </link-header>; rel="first"` : `</link-header>; rel="first"`;
        return reply(response, 200, DATA.slice(cursor, cursor + 2), { link });
      });
      app.get("/single", async () => ({ item: { id: 42 } }));
      app.get("/html", async (_request, response) => response.header("content-type", "text/html").send("<html>maintenance</html>"));
    });
    const made = clientFor(specFor(provider.url));
    client = made.client;
    closeClient = made.close;
  });
  afterAll(async () => {
    await closeClient?.();
    await provider?.close();
  });

  const read = async (spec: StreamSpec) => {
    const session = client.session();
    const before = provider.requests.length;
    const reading = executor.readStream(spec, window, { session });
    const records = await collect(reading);
    return { records, requests: provider.requests.slice(before), stats: reading.stats };
  };
  const pageStream = (paging: Extract<StreamSpec["paging"], { type: "page" }>, query: Record<string, string> = {}) =>
    stream({ request: { path: "/page", query }, records: "/data", paging });

  it("page numbers with the default stop (an empty page)", async () => {
    const { records, requests } = await read(pageStream({ type: "page", param: "page", sizeParam: "limit", size: 2 }));
    expect(ids(records)).toEqual([1, 2, 3, 4, 5]);
    expect(requests.map((r) => r.query.page)).toEqual(["1", "2", "3", "4"]);
    expect(requests[0]!.query.limit).toBe("2");
  });

  it("short_page stops at the first page with fewer than size records", async () => {
    const { records, requests } = await read(pageStream({ type: "page", param: "page", sizeParam: "limit", size: 2, stop: [{ type: "short_page" }] }));
    expect(ids(records)).toEqual([1, 2, 3, 4, 5]);
    expect(requests).toHaveLength(3);
  });

  it("flag (Peloton show_next = false, 0-based pages)", async () => {
    const { records, requests } = await read(
      pageStream(
        { type: "page", param: "page", start: 0, sizeParam: "limit", size: 2, stop: [{ type: "flag", path: "/show_next", equals: false }] },
        { base: "0" },
      ),
    );
    expect(ids(records)).toEqual([1, 2, 3, 4, 5]);
    expect(requests.map((r) => r.query.page)).toEqual(["0", "1", "2"]);
  });

  it("total_pages and total_records", async () => {
    const byPages = await read(pageStream({ type: "page", param: "page", sizeParam: "limit", size: 2, stop: [{ type: "total_pages", path: "/page_count" }] }));
    expect(byPages.requests).toHaveLength(3);
    const byRecords = await read(pageStream({ type: "page", param: "page", sizeParam: "limit", size: 2, stop: [{ type: "total_records", path: "/total" }] }));
    expect(ids(byRecords.records)).toEqual([1, 2, 3, 4, 5]);
    expect(byRecords.requests).toHaveLength(3);
  });

  it("maxPages bounds a window and is reported as truncated", async () => {
    const { records, requests, stats } = await read(pageStream({ type: "page", param: "page", sizeParam: "limit", size: 1, maxPages: 2 }));
    expect(ids(records)).toEqual([1, 2]);
    expect(requests).toHaveLength(2);
    expect(stats.truncated).toBe(1);
  });

  it("offsets advance by the records received, or to the provider's next offset (Withings)", async () => {
    const counted = await read(
      stream({ request: { path: "/offset" }, records: "/items", paging: { type: "offset", param: "offset", sizeParam: "limit", size: 2 } }),
    );
    expect(ids(counted.records)).toEqual([1, 2, 3, 4, 5]);
    expect(counted.requests.map((r) => r.query.offset)).toEqual(["0", "2", "4", "5"]);
    const said = await read(
      stream({
        request: { path: "/offset", query: { said: "1" } },
        records: "/body/items",
        paging: {
          type: "offset",
          param: "offset",
          sizeParam: "limit",
          size: 3,
          nextOffsetPath: "/body/offset",
          stop: [{ type: "flag", path: "/body/more", equals: 0 }],
        },
      }),
    );
    expect(ids(said.records)).toEqual([1, 2, 3, 4, 5]);
    expect(said.requests.map((r) => r.query.offset)).toEqual(["0", "3"]);
  });

  it("cursors until the provider gives none; a cursor that repeats stops instead of looping", async () => {
    const { records, requests } = await read(
      stream({ request: { path: "/cursor" }, records: "/records", paging: { type: "cursor", param: "next_token", cursorPath: "/next_token" } }),
    );
    expect(ids(records)).toEqual([1, 2, 3, 4, 5]);
    expect(requests.map((r) => r.query.next_token)).toEqual([undefined, "c2", "c4"]);
    const looping = await read(
      stream({ request: { path: "/loop" }, records: "/records", paging: { type: "cursor", param: "next_token", cursorPath: "/next_token" } }),
    );
    expect(looping.requests).toHaveLength(2);
    expect(looping.stats.truncated).toBe(1);
    expect(looping.stats.duplicates).toBe(1);
  });

  it("links from the body (Fitbit pagination.next, absolute) and from the Link header (relative)", async () => {
    const body = await read(
      stream({ request: { path: "/fitbit-list", query: { limit: "2" } }, records: "/activities", paging: { type: "link", nextPath: "/pagination/next" } }),
    );
    expect(ids(body.records)).toEqual([1, 2, 3, 4, 5]);
    expect(body.requests.map((r) => r.query.offset)).toEqual([undefined, "2", "4"]);
    const header = await read(stream({ request: { path: "/link-header" }, records: "", paging: { type: "link", linkHeader: true } }));
    expect(ids(header.records)).toEqual([1, 2, 3, 4, 5]);
    expect(header.requests).toHaveLength(3);
  });

  it("a next link to another origin is refused (SSRF) after the records already read", async () => {
    const spec = stream({ request: { path: "/evil-next" }, records: "/activities", paging: { type: "link", nextPath: "/pagination/next" } });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const record of executor.readStream(spec, window, { session: client.session() })) seen.push(record.id);
      })(),
    ).rejects.toMatchObject({ code: "ERR_PROVIDER_URL_REFUSED" });
    expect(seen).toEqual([1]);
  });

  it("records: one object where an array was expected is one record; a body that is not JSON is a bad response", async () => {
    expect(ids((await read(stream({ request: { path: "/single" }, records: "/item" }))).records)).toEqual([42]);
    expect((await read(stream({ request: { path: "/single" }, records: "/nothing" }))).records).toEqual([]);
    await expect(read(stream({ request: { path: "/html" } }))).rejects.toMatchObject({ code: "ERR_PROVIDER_BAD_RESPONSE" });
  });

  it("pages stream: the next page is asked for only when the consumer gets there", async () => {
    const session = client.session();
    const before = provider.requests.length;
    const reading = executor.readStream(pageStream({ type: "page", param: "page", sizeParam: "limit", size: 2 }), window, { session });
    for await (const record of reading) {
      expect(record.id).toBe(1);
      break;
    }
    expect(provider.requests.length - before).toBe(1);
    // The rest of the page it received is in the position: a continued read does not ask for page 1 again.
    expect(reading.position()).toMatchObject({ page: { page: 1 }, skip: 0, fetched: { records: [{ id: 2 }], after: { next: { page: 2 } } } });
  });

  it("paging mistakes are named where they are", () => {
    expect(() => executor.readStream(stream({ paging: { type: "link" } }), window, { session: client.session() })).toThrow(
      /paging: link paging needs nextPath/,
    );
    expect(() =>
      executor.readStream(stream({ paging: { type: "page", param: "p", stop: [{ type: "short_page" }] } }), window, { session: client.session() }),
    ).toThrow(/short_page needs paging.size/);
  });
});
