import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectorSpec } from "@tributary/schemas";
import { compileConnector } from "../../src/connectors/index.ts";
import { defineConnector } from "../../src/contracts/connector.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { clientFor, specFor, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";

const T0 = Date.parse("2026-02-01T00:00:00Z");
/** Twelve workouts, each with about 28 kB of samples behind a detail request. */
const WORKOUTS = Array.from({ length: 12 }, (_, i) => ({ id: `w${i}`, start: new Date(T0 + i * 3_600_000).toISOString() }));
const samplesOf = (id: string) => Array.from({ length: 1000 }, (_, s) => ({ t: s, hr: 100 + (s % 60), id }));

describe("a connector's read, slice by slice", () => {
  let provider: MockProvider;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/workouts", async () => ({ data: WORKOUTS }));
      app.get("/workouts/:id/samples", async (request) => ({ samples: samplesOf((request.params as { id: string }).id) }));
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await provider?.close();
  });

  const spec = (baseUrl: string) =>
    ({
      name: "SLICED",
      displayName: "Sliced",
      dataTypes: ["activity"],
      auth: { type: "none" },
      http: { baseUrl },
      streams: {
        activity: [
          {
            name: "workouts",
            request: { path: "/workouts" },
            records: "/data",
            id: "/id",
            details: [{ name: "samples", request: { path: "/workouts/{record.id}/samples" }, select: "/samples" }],
          },
        ],
      },
      mappings: {
        activity: {
          template: {
            metadata: {
              summary_id: { path: "/id", required: true },
              start_time: { path: "/start", time: { format: "datetime" }, required: true },
              end_time: { path: "/start", time: { format: "datetime" }, required: true },
              type: 1,
              upload_type: 1,
            },
            heart_rate_data: {
              detailed: {
                hr_samples: {
                  each: { path: "/samples" },
                  item: { timestamp: { path: "/start", from: "record", time: { format: "datetime", add: { path: "/t" } } }, bpm: { path: "/hr" } },
                },
              },
            },
          },
        },
      },
    }) as unknown as ConnectorSpec;

  const sliceLengths = async (sliceBytes?: number) => {
    const connector = compileConnector(defineConnector({ spec: spec(provider.url) }));
    const made = clientFor(specFor(provider.url, {}, "SLICED"));
    closers.push(made.close);
    const lengths: number[] = [];
    for await (const slice of connector.read("activity", {
      connection: { userId: "u1", provider: "SLICED" },
      range: { start: new Date(T0 - 86_400_000), end: new Date(T0 + 86_400_000) },
      withSamples: true,
      signal: new AbortController().signal,
      log: silentLogger(),
      session: made.client.session(),
      ...(sliceBytes !== undefined ? { sliceBytes } : {}),
    })) {
      expect(slice.rejected).toEqual([]);
      lengths.push(slice.valid.length);
    }
    return lengths;
  };

  it("maps up to 25 records at a time, fewer when their provider answers pass sliceBytes (a workout's samples)", async () => {
    expect(await sliceLengths()).toEqual([12]);
    // ~28 kB of samples a record, fetched a few records ahead: a slice closes once 100 kB arrived since the last.
    const lengths = await sliceLengths(100_000);
    expect(lengths.reduce((sum, n) => sum + n, 0)).toBe(12);
    expect(lengths.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(5);
  });
});
