import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectorSpec } from "@tributary/schemas";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadMockFixtures, startMockProvider } from "../index.ts";

const spec: ConnectorSpec = {
  name: "ACME",
  displayName: "Acme",
  dataTypes: ["activity"],
  auth: { type: "api_key", in: "header", name: "x-api-key", providerUserId: { from: "request", request: { path: "/me" }, path: "/id" } },
  http: { baseUrl: "https://api.acme.test/v1" },
  streams: {
    activity: [
      {
        name: "workouts",
        request: { path: "/workouts", query: { from: "{start}", to: "{end}" } },
        dateRange: { start: { format: "date" }, end: { format: "date", inclusive: true } },
        records: "/items",
        id: "/id",
        details: [{ name: "laps", request: { path: "/workouts/{record.id}/laps" }, optional: true }],
      },
    ],
  },
  mappings: { activity: { template: { metadata: { summary_id: { path: "/id" } } } } },
};

function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "mock-fixtures-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith("/")) mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const users = [
  { id: "u1", apiKey: "key-1" },
  { id: 2, apiKey: "key-2" },
];
const workouts = {
  time: { path: "/day", format: "date" },
  records: {
    u1: [
      { id: "w1", day: "2026-03-01" },
      { id: "w2", day: "2026-03-05" },
    ],
    "2": [{ id: "w3", day: "2026-03-02" }],
  },
  details: { laps: { w1: { laps: [{ n: 1 }] } } },
};

describe("loadMockFixtures", () => {
  it("serves users.json and <stream>.json: each user's records in the window, detail answers by record id, 404 for a record without one", async () => {
    const fixtures = await loadMockFixtures(folder({ "users.json": users, "workouts.json": workouts, "README.md": "notes", "sub/": null }), spec);
    expect(fixtures.users).toEqual(users);
    const mock = await startMockProvider(spec, fixtures);
    const get = async (path: string, key = "key-1") => {
      const response = await fetch(`${mock.urls().baseUrl}${path}`, { headers: { "x-api-key": key } });
      return { status: response.status, body: (await response.json()) as any };
    };
    expect((await get("/workouts?from=2026-03-01&to=2026-03-03")).body.items.map((w: { id: string }) => w.id)).toEqual(["w1"]);
    expect((await get("/workouts?from=2026-03-01&to=2026-03-31", "key-2")).body.items.map((w: { id: string }) => w.id)).toEqual(["w3"]);
    expect(await get("/workouts/w1/laps")).toEqual({ status: 200, body: { laps: [{ n: 1 }] } });
    expect((await get("/workouts/w2/laps")).status).toBe(404);
  });

  it("reads emptyDetails (the provider's answer for a record it has nothing for), urls.json and provider.json", async () => {
    const files = {
      "users.json": users,
      "workouts.json": { ...workouts, emptyDetails: { laps: { laps: [] } } },
      "urls.json": [{ path: "/v1/pings/workouts", query: { day: "2026-03-01" }, user: "u1", body: { items: [{ id: "w1" }] } }],
      "provider.json": { errors: "oura", rateLimited: { retryAfter: false } },
    };
    const fixtures = await loadMockFixtures(folder(files), spec);
    expect(fixtures.provider).toEqual({ errors: "oura", rateLimited: { retryAfter: false } });
    const mock = await startMockProvider(spec, fixtures);
    const get = async (path: string, key = "key-1") => {
      const response = await fetch(`${mock.urls().baseUrl}${path}`, { headers: { "x-api-key": key } });
      return { status: response.status, body: (await response.json()) as any };
    };
    expect(await get("/workouts/w1/laps")).toEqual({ status: 200, body: { laps: [{ n: 1 }] } });
    expect(await get("/workouts/w2/laps")).toEqual({ status: 200, body: { laps: [] } });
    expect(await get("/pings/workouts?day=2026-03-01")).toEqual({ status: 200, body: { items: [{ id: "w1" }] } });
    // Oura's error body, from provider.json.
    expect(await get("/pings/workouts?day=2026-03-01", "key-2")).toEqual({ status: 404, body: { detail: "nothing at /v1/pings/workouts for this user" } });
  });

  it("refuses a folder that would make the mock lie, naming the file and the mistake", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ "workouts.json": workouts }, /users\.json is missing/],
      [{ "users.json": [] }, /users\.json: .*(fewer|at least|minItems|1 item)/i],
      [{ "users.json": [{ name: "no id" }] }, /users\.json: .*id/],
      [{ "users.json": users, "workout.json": workouts }, /has no stream named "workout" \(did you mean "workouts\.json"\?\)/],
      [{ "users.json": users, "workouts.json": { ...workouts, records: "many" } }, /workouts\.json: .*records/],
      [{ "users.json": users, "workouts.json": { ...workouts, detail: {} } }, /workouts\.json: .*detail/],
      [
        { "users.json": users, "workouts.json": { ...workouts, details: { splits: {} } } },
        /details\.splits answers a detail stream "workouts" does not request \(it requests "laps"\)/,
      ],
      [{ "users.json": "[{ id: 1 }" }, /users\.json is not JSON/],
      [
        { "users.json": users, "workouts.json": { ...workouts, emptyDetails: { splits: {} } } },
        /emptyDetails\.splits answers a detail stream "workouts" does not request/,
      ],
      [{ "users.json": users, "urls.json": [{ path: "no-slash", body: {} }] }, /urls\.json: .*path/],
      [{ "users.json": users, "provider.json": { errors: "garmin" } }, /provider\.json: .*errors/],
      [{ "users.json": users, "provider.json": { rateLimited: { retryAfter: false, resetHeader: "x" } } }, /provider\.json: /],
    ];
    for (const [files, message] of cases) {
      await expect(loadMockFixtures(folder(files), spec), String(message)).rejects.toMatchObject({
        code: "ERR_MOCK_INVALID",
        message: expect.stringMatching(message),
      });
    }
    await expect(loadMockFixtures(join(tmpdir(), "no-such-fixtures-folder-0"), spec)).rejects.toMatchObject({
      code: "ERR_MOCK_INVALID",
      message: expect.stringMatching(/cannot read the fixtures folder/),
    });
  });
});
