import { describe, expect, it } from "vitest";
import { chunkRows } from "../src/chunks.ts";
import { retryOnConflict } from "../src/conflict-retry.ts";
import { storableJson } from "../src/json-text.ts";
import { redactSecrets } from "../src/redact.ts";

describe("storableJson", () => {
  it("replaces NUL and lone surrogates, and nothing that only looks like them", () => {
    const json = storableJson({ a: "x\u0000y", b: "\ud800", c: "\\u0000", d: "\ud83d\ude00", e: "\\\u0000" });
    expect(JSON.parse(json)).toEqual({ a: "x\ufffdy", b: "\ufffd", c: "\\u0000", d: "\ud83d\ude00", e: "\\\ufffd" });
  });

  it("returns ordinary JSON unchanged", () => {
    const value = { a: [1, "two", { three: null }], tab: "\t" };
    expect(storableJson(value)).toBe(JSON.stringify(value));
  });
});

describe("redactSecrets", () => {
  it("removes passwords, their URL-encoded form and URL credentials", () => {
    const text = "failed for postgres://app:p%40ss@db:5432/x with p@ss and mysql://root:other@h/db";
    const out = redactSecrets(text, ["p@ss"]);
    expect(out).not.toContain("p@ss");
    expect(out).not.toContain("p%40ss");
    expect(out).not.toContain("other");
    expect(out).toContain("postgres://app:***@db:5432/x");
  });
});

describe("chunkRows", () => {
  it("splits by row count and by size, never leaving a chunk empty", () => {
    const rows = Array.from({ length: 7 }, (_, i) => i);
    expect(chunkRows(rows, () => 1, { maxRows: 3, maxBytes: 100 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(chunkRows(rows.slice(0, 3), () => 60, { maxRows: 10, maxBytes: 100 })).toEqual([[0], [1], [2]]);
    expect(chunkRows([], () => 1)).toEqual([]);
  });
});

describe("retryOnConflict", () => {
  const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
  const isConflict = (error: unknown) => (error as { code?: string }).code === "40P01";

  it("runs a transaction again after a deadlock, and only then", async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls += 1;
      if (calls === 1) throw deadlock;
      return "done";
    }, isConflict);
    expect([result, calls]).toEqual(["done", 2]);

    let otherCalls = 0;
    const other = new Error("syntax error");
    await expect(
      retryOnConflict(async () => {
        otherCalls += 1;
        throw other;
      }, isConflict),
    ).rejects.toBe(other);
    expect(otherCalls).toBe(1);
  });

  it("gives up after a few attempts", async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls += 1;
        throw deadlock;
      }, isConflict),
    ).rejects.toBe(deadlock);
    expect(calls).toBe(4);
  });
});
