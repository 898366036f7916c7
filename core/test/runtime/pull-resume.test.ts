import { describe, expect, it } from "vitest";
import { isTributaryError } from "../../src/errors/tributary-error.ts";
import { MAX_RESUME_BYTES, pullResume } from "../../src/runtime/pull-resume.ts";

describe("what a parked pull saves to continue from", () => {
  it("is the part number and the streams' positions, as given", () => {
    const positions = { workouts: { v: 1, stream: "workouts", seen: ["w1", "w2"] } };
    expect(pullResume(3, positions)).toEqual({ part: 3, positions });
  });

  it("is refused with ERR_PULL_POSITION_TOO_LARGE past the cap, naming each stream's share", () => {
    const seen = Array.from({ length: 60_000 }, (_, i) => `activity-${String(i).padStart(8, "0")}`);
    let error: unknown;
    try {
      pullResume(2, { workouts: { v: 1, stream: "workouts", seen }, sleep: { v: 1, stream: "sleep" } });
    } catch (caught) {
      error = caught;
    }
    expect(isTributaryError(error) && error.code).toBe("ERR_PULL_POSITION_TOO_LARGE");
    const refused = error as Error & { hint?: string; details?: { bytes: number; maxBytes: number } };
    expect(refused.message).toMatch(/workouts \d+ KiB, sleep 0 KiB/);
    expect(refused.details?.maxBytes).toBe(MAX_RESUME_BYTES);
    expect(refused.details!.bytes).toBeGreaterThan(MAX_RESUME_BYTES);
  });
});
