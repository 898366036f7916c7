import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadRecordings } from "../../src/recordings/load-recordings.ts";
import { recordedSpan } from "../../src/recordings/recorded-span.ts";
import { loadConnectorFile } from "../../src/spec/load-connector.ts";

const CONNECTORS = fileURLToPath(new URL("../../../connectors", import.meta.url));
const spanOf = async (name: string) =>
  recordedSpan(loadConnectorFile(join(CONNECTORS, name)).spec, await loadRecordings(join(CONNECTORS, name, "recordings")));

describe("recordedSpan: the window and user a recordings folder answers", () => {
  it("reads inclusive date ends as the day after, and keeps another pull's subfolder apart even where its days touch (OURA)", async () => {
    // Top folder: 2026-03-09 … 2026-03-15 (end_date inclusive); new-york-clock-changes/: 03-06 … 03-08 and 10-31 … 11-02.
    const span = await spanOf("oura");
    expect(span.range).toEqual({ start: new Date("2026-03-09T00:00:00Z"), end: new Date("2026-03-16T00:00:00Z") });
    expect(span.outside).toBe(6);
    expect(span.users).toEqual([]);
  });

  it("reads unix-second bounds (STRAVA) and names no user where the recordings do not", async () => {
    expect(await spanOf("strava")).toEqual({
      range: { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") },
      windows: 1,
      outside: 0,
      users: [],
    });
  });

  it("names the one user the recordings name (PELOTON: in its workouts path and the answer of its provider-user-id request, /api/me)", async () => {
    const span = await spanOf("peloton");
    expect(span.users).toEqual(["19b4722da494c08b0b0c130cd89ab344"]);
    expect(span.range).toEqual({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") });
  });
});
