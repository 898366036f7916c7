import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "../../src/recordings/index.ts";
import { get, post, tempFolder, writeFiles } from "./helpers.ts";

/** A transport over a folder holding these files. */
async function over(files: Record<string, unknown>) {
  const dir = await tempFolder();
  await writeFiles(dir, files);
  return recordedTransport(await loadRecordings(dir));
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
const text = (response: { body: Buffer }) => response.body.toString("utf8");
const json = (response: { body: Buffer }) => JSON.parse(text(response)) as unknown;

// A host that cannot resolve: a transport that touched the network would fail on it.
const HOST = "https://provider.invalid";

describe("recordedTransport", () => {
  it("answers on method, path and the query parameters the file names, ignoring the ones it does not", async () => {
    const transport = await over({
      "sleep.json": { request: { method: "GET", path: "/v2/usercollection/sleep", query: { start_date: "2026-03-01", end_date: "2026-03-07" } }, response: answer(200, { data: [{ id: "s1" }], next_token: null }, { "content-type": "application/json" }) },
    });
    const response = await transport(get(`${HOST}/v2/usercollection/sleep?end_date=2026-03-07&start_date=2026-03-01&access_token=live-token&extra=1`, { authorization: "Bearer live" }));
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(json(response)).toEqual({ data: [{ id: "s1" }], next_token: null });
    await expect(transport(get(`${HOST}/v2/usercollection/sleep?start_date=2026-03-02&end_date=2026-03-07`))).rejects.toMatchObject({ code: "ERR_RECORDING_MISSING" });
    await expect(transport({ ...get(`${HOST}/v2/usercollection/sleep?start_date=2026-03-01&end_date=2026-03-07`), method: "POST" })).rejects.toMatchObject({ code: "ERR_RECORDING_MISSING" });
  });

  it("compares numbers and booleans as text, lists as repeated parameters in order, and decoded paths", async () => {
    const transport = await over({
      "a.json": { request: { method: "GET", path: "/api/user/ab c/workouts", query: { page: 2, joins: ["ride", "ride.instructor"], show: true } }, response: answer(200, "ok") },
    });
    expect(text(await transport(get(`${HOST}/api/user/ab%20c/workouts?page=2&joins=ride&joins=ride.instructor&show=true`)))).toBe("ok");
    await expect(transport(get(`${HOST}/api/user/ab%20c/workouts?page=2&joins=ride.instructor&joins=ride&show=true`))).rejects.toMatchObject({ code: "ERR_RECORDING_MISSING" });
  });

  it("prefers the most specific file: a page with a cursor is not answered by the first page", async () => {
    const transport = await over({
      "1.json": { request: { method: "GET", path: "/list", query: { start: "1" } }, response: answer(200, { page: 1, next: "abc" }) },
      "2.json": { request: { method: "GET", path: "/list", query: { start: "1", next_token: "abc" } }, response: answer(200, { page: 2, next: null }) },
    });
    expect(json(await transport(get(`${HOST}/list?start=1`)))).toMatchObject({ page: 1 });
    expect(json(await transport(get(`${HOST}/list?start=1&next_token=abc`)))).toMatchObject({ page: 2 });
    expect(json(await transport(get(`${HOST}/list?start=1`)))).toMatchObject({ page: 1 });
  });

  it("replays equally specific files once each in name order, the last one repeating: 429, then 200, then 200", async () => {
    const transport = await over({
      "0001-get-x.json": { request: { method: "GET", path: "/x" }, response: answer(429, { message: "Rate Limit Exceeded" }, { "retry-after": "1" }) },
      "0002-get-x.json": { request: { method: "GET", path: "/x" }, response: answer(200, { ok: true }) },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await transport(get(`${HOST}/x`))).status);
    expect(statuses).toEqual([429, 200, 200]);
  });

  it("matches the body fields a file names, for form bodies (Withings' action) and JSON bodies", async () => {
    const transport = await over({
      "meas.json": { request: { method: "POST", path: "/measure", body: { action: "getmeas", category: 1 } }, response: answer(200, { status: 0, body: { measuregrps: [] } }) },
      "work.json": { request: { method: "POST", path: "/measure", body: { action: "getworkouts" } }, response: answer(200, { status: 0, body: { series: [] } }) },
      "json.json": { request: { method: "POST", path: "/users", body: { "member-id": "u1", flags: { a: [1, 2] } } }, response: answer(201, { id: 1 }) },
    });
    const form = "application/x-www-form-urlencoded";
    expect(json(await transport(post(`${HOST}/measure`, "action=getmeas&category=1&startdate=1700000000", form)))).toMatchObject({ body: { measuregrps: [] } });
    expect(json(await transport(post(`${HOST}/measure`, "action=getworkouts&startdateymd=2026-01-01", form)))).toMatchObject({ body: { series: [] } });
    expect((await transport(post(`${HOST}/users`, JSON.stringify({ flags: { a: [1, 2] }, "member-id": "u1", other: 1 }), "application/json"))).status).toBe(201);
    await expect(transport(post(`${HOST}/users`, JSON.stringify({ "member-id": "u1", flags: { a: [2, 1] } }), "application/json"))).rejects.toMatchObject({ code: "ERR_RECORDING_MISSING" });
    await expect(transport(post(`${HOST}/measure`, "action=getactivity", form))).rejects.toMatchObject({ code: "ERR_RECORDING_MISSING" });
  });

  it("fails with ERR_RECORDING_MISSING naming the request and the nearest recordings, never a credential", async () => {
    const transport = await over({
      "0001-get-activities.json": { request: { method: "GET", path: "/athlete/activities", query: { page: "1" } }, response: answer(200, []) },
    });
    const error = await transport(get(`${HOST}/athlete/activities?page=2&access_token=super-secret-token-value`, { authorization: "Bearer also-a-secret-token" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_RECORDING_MISSING", errorClass: "user" });
    const { message, hint } = error as { message: string; hint: string };
    expect(message).toContain("GET /athlete/activities?page=2");
    expect(hint).toContain('0001-get-activities.json (query page: recorded "1", requested "2")');
    expect(`${message} ${hint}`).not.toContain("super-secret-token-value");
  });

  it("answers text, JSON and binary bodies with the recorded status and headers", async () => {
    const fit = Buffer.from([0x0e, 0x10, 0x00, 0xff, 0x2e, 0x46, 0x49, 0x54]);
    const transport = await over({
      "fit.json": { request: { method: "GET", path: "/workout.fit" }, response: { status: 200, headers: { "Content-Type": "application/octet-stream" }, bodyBase64: fit.toString("base64") } },
      "text.json": { request: { method: "GET", path: "/text" }, response: { status: 503, headers: { "content-type": "text/plain" }, body: '{"not":"parsed"}' } },
      "empty.json": { request: { method: "DELETE", path: "/v3/users/1" }, response: { status: 204 } },
    });
    const binary = await transport(get(`${HOST}/workout.fit`));
    expect(binary.body.equals(fit)).toBe(true);
    expect(binary.headers).toEqual({ "content-type": "application/octet-stream" });
    const plain = await transport(get(`${HOST}/text`));
    expect([plain.status, text(plain), plain.headers["content-type"]]).toEqual([503, '{"not":"parsed"}', "text/plain"]);
    const empty = await transport({ ...get(`${HOST}/v3/users/1`), method: "DELETE" });
    expect([empty.status, empty.body.length]).toEqual([204, 0]);
  });

  it("refuses an answer larger than the request allows, and an aborted request", async () => {
    const transport = await over({ "big.json": { request: { method: "GET", path: "/big" }, response: answer(200, "x".repeat(2000)) } });
    await expect(transport({ ...get(`${HOST}/big`), maxResponseBytes: 1000 })).rejects.toMatchObject({ code: "ERR_PROVIDER_BAD_RESPONSE" });
    await expect(transport({ ...get(`${HOST}/big`), signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });
});
