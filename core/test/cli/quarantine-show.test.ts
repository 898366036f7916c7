import { describe, expect, it } from "vitest";
import { quarantineEntryText } from "../../src/cli/commands/quarantine.ts";
import type { QuarantinedRecord } from "../../src/state/index.ts";

const entry = (raw: unknown): QuarantinedRecord => ({
  id: 7,
  user_id: "u1",
  provider: "GARMIN",
  data_type: "activity",
  record: null,
  raw,
  issues: [{ path: "/fit", rule: "decode", message: "not a readable FIT activity file" }],
  trace_id: null,
  created_at: "2026-03-10T00:00:00.000Z",
  resolved_at: null,
});

describe("tributary quarantine show", () => {
  it("says when secrets of the payload were stored redacted, and that a release does not need them", () => {
    const text = quarantineEntryText(entry({ activityId: 1, userAccessToken: "[redacted]" }));
    expect(text).toContain('"userAccessToken": "[redacted]"');
    expect(text).toMatch(/secrets .* were stored as \[redacted\]; release maps what is kept/);
    expect(quarantineEntryText(entry({ activityId: 1 }))).not.toContain("stored as [redacted]");
  });
});
