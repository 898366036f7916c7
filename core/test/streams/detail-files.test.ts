import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeActivityFit } from "@tributary/fit";
import { terraTimestamp, type Activity, type StreamSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../../src/contracts/connector.ts";
import { checkConnector } from "../../src/spec/check-connector.ts";
import { specPath } from "../../src/spec/spec-problem.ts";
import { clientFor, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import { collect, executorFor, stream } from "./stream-helpers.ts";

const window = { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-01-02T00:00:00Z") };
const START = Date.parse("2024-01-01T08:00:00Z");
const at = (i: number) => terraTimestamp(START + i * 1000, 0);
/** Ten seconds of a ride: heart rate 120 + i. */
const FIT = Buffer.from(
  encodeActivityFit({
    metadata: { summary_id: "f1", start_time: at(0), end_time: at(10), type: 1, upload_type: 1, timestamp_localization: 0 },
    heart_rate_data: { detailed: { hr_samples: Array.from({ length: 10 }, (_, i) => ({ timestamp: at(i), bpm: 120 + i })) } },
  } as Activity),
);

/**
 * A detail that fetches a URL the record holds (Wahoo's workout file) instead of a request, and one whose
 * answer is a FIT activity file decoded into a Terra Activity. A file that is not a FIT activity is a bad
 * answer for that record only.
 */
describe("details from a record's URL, decoded as FIT", () => {
  let provider: MockProvider;
  let client: ReturnType<typeof clientFor>["client"];
  let closeClient: () => Promise<void>;

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/workouts", async () => ({
        data: [{ id: "a", file: { url: `${provider.url}/files/a.fit` } }, { id: "b", file: { url: `${provider.url}/files/b.fit` } }, { id: "c" }],
      }));
      app.get("/files/a.fit", async (_request, response) => response.header("content-type", "application/octet-stream").send(FIT));
      app.get("/files/b.fit", async (_request, response) => response.header("content-type", "text/html").send("<html>maintenance</html>"));
    });
    const made = clientFor(specFor(provider.url, { maxAttempts: 1 }));
    client = made.client;
    closeClient = made.close;
  });
  afterAll(async () => {
    await closeClient?.();
    await provider?.close();
  });

  const workouts = (optional: boolean): StreamSpec =>
    stream({
      request: { path: "/workouts" },
      records: "/data",
      details: [{ name: "fit", url: "/file/url", decode: "fit", optional, select: "/heart_rate_data/detailed/hr_samples" }],
    });

  it("fetches each record's URL and attaches the decoded file (here its heart-rate samples); a broken file or no URL leaves an optional detail out", async () => {
    const reading = executorFor({ name: "W" }).readStream(workouts(true), window, { session: client.session() });
    const records = await collect(reading);
    expect(records.map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect((records[0]!.fit as unknown[]).length).toBe(10);
    expect((records[0]!.fit as Array<{ bpm: number }>)[9]).toMatchObject({ bpm: 129, timestamp: at(9) });
    expect(records[1]).not.toHaveProperty("fit");
    expect(records[2]).not.toHaveProperty("fit");
    expect(reading.stats).toMatchObject({ detailRequests: 3, detailFailures: 2 });
  });

  it("a required one rejects just those records, naming why", async () => {
    const rejected: Array<{ id: unknown; code: string; message: string }> = [];
    const reading = executorFor({ name: "W" }).readStream(workouts(false), window, {
      session: client.session(),
      onRejected: (record: ProviderRecord, error) => void rejected.push({ id: record.id, code: error.code, message: error.message }),
    });
    expect((await collect(reading)).map((r) => r.id)).toEqual(["a"]);
    expect(rejected).toMatchObject([
      {
        id: "b",
        code: "ERR_PROVIDER_BAD_RESPONSE",
        message: expect.stringMatching(/details\.fit: the answer is not a readable FIT activity file \(ERR_FIT_NOT_FIT/),
      },
      { id: "c", code: "ERR_PROVIDER_BAD_RESPONSE", message: expect.stringContaining('no URL at "/file/url"') },
    ]);
  });

  it("the spec check wants exactly one of request and url", () => {
    const problems = (details: StreamSpec["details"]) =>
      checkConnector(
        {
          name: "W",
          displayName: "W",
          dataTypes: ["activity"],
          auth: { type: "none" },
          http: { baseUrl: "https://w.example" },
          streams: { activity: [stream({ request: { path: "/workouts" }, records: "/data", details })] },
          mappings: { activity: { template: { metadata: { summary_id: { path: "/id", required: true } } } } },
        },
        undefined,
        undefined,
      ).findings.map((finding) => `${specPath(finding.path)}: ${finding.message}`);
    expect(problems([{ name: "fit", url: "/file/url", decode: "fit" }])).toEqual([]);
    expect(problems([{ name: "fit", url: "/file/url", request: { path: "/x" } }]).join("\n")).toMatch(/details\[0\]: has both a request and a url/);
    expect(problems([{ name: "fit" }]).join("\n")).toMatch(/details\[0\]: says nothing to fetch/);
  });
});
