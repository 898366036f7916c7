import { describe, expect, it } from "vitest";
import { MAX_WRITES_PER_COMMIT, commitChunks } from "../src/commit-chunks.ts";

describe("commitChunks", () => {
  it("keeps order and cuts at 500 writes", () => {
    const chunks = commitChunks(Array.from({ length: 1203 }, (_, i) => ({ data: { i } })));
    expect(chunks.map((c) => c.length)).toEqual([500, 500, 203]);
    expect(chunks.flat().map((d) => d.data.i)).toEqual(Array.from({ length: 1203 }, (_, i) => i));
    expect(MAX_WRITES_PER_COMMIT).toBe(500);
  });

  it("cuts earlier when the documents' size would exceed the request budget", () => {
    const big = { data: { blob: "x".repeat(400) } };
    expect(commitChunks([big, big, big, big, big], 1000).map((c) => c.length)).toEqual([2, 2, 1]);
  });
});
