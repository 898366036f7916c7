import { describe, expect, it } from "vitest";
import { createByteBudget } from "../../src/http/byte-budget.ts";

describe("the per-source byte budget", () => {
  it("lets a source send its bytes for the window, then asks it to wait until the window ends", () => {
    const budget = createByteBudget({ maxBytes: 1000, windowMs: 10_000 });
    budget.charge("a", 600, 0);
    expect(budget.wait("a", 1000)).toBe(0);
    budget.charge("a", 400, 1000);
    expect(budget.wait("a", 2000)).toBe(8);
    expect(budget.wait("b", 2000)).toBe(0);
    expect(budget.wait("a", 10_000)).toBe(0);
    budget.charge("a", 10, 10_000);
    expect(budget.wait("a", 10_001)).toBe(0);
  });

  it("forgets the sources heard from longest ago beyond its size", () => {
    const budget = createByteBudget({ maxBytes: 10, windowMs: 60_000, maxSources: 2 });
    budget.charge("a", 10, 0);
    budget.charge("b", 10, 0);
    expect(budget.wait("a", 1)).toBeGreaterThan(0);
    budget.charge("c", 10, 0);
    expect(budget.wait("a", 1)).toBe(0);
    expect(budget.wait("c", 1)).toBeGreaterThan(0);
  });
});
