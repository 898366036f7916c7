import { describe, expect, it } from "vitest";
import type { MappingSpec } from "@tributary/schemas";
import { isTributaryError } from "../../src/errors/tributary-error.ts";
import { compileCondition, compileMapping, ExpressionFailure, parseExpression } from "../../src/mapping/index.ts";

/**
 * Hostile expressions from a partner spec: each is refused when compiled, or stopped while it runs with
 * an error that says which limit it hit. None may hang the worker or exhaust its memory (a hang fails the
 * test by its timeout; an exhausted heap kills the run).
 */
const failureOf = async (source: string, input: unknown = {}, limits = {}): Promise<ExpressionFailure> => {
  const parsed = parseExpression(source, { limits });
  if (!parsed.ok) throw new Error(`refused at compile time: ${parsed.problems.join("; ")}`);
  try {
    await parsed.expression.evaluate(input, {});
  } catch (error) {
    if (error instanceof ExpressionFailure) return error;
    throw error;
  }
  throw new Error(`${source} was not stopped`);
};
const problemsOf = (source: string, trusted = false): string[] => {
  const parsed = parseExpression(source, { trusted });
  return parsed.ok ? [] : parsed.problems;
};

describe("hostile expressions are stopped while they run", () => {
  it("infinite recursion", async () => {
    const failure = await failureOf("($f := function($x) { $f($x) }; $f(1))", {}, { timeoutMs: 100 });
    expect(["D1011", "D1012"]).toContain(failure.code);
    expect(failure.message).toMatch(/^stopped/);
  });

  it("deep recursion that would end, but too deep", async () => {
    const failure = await failureOf("($f := function($n) { $n > 0 ? 1 + $f($n - 1) : 0 }; $f(100000))");
    expect(failure.code).toBe("D1011");
    expect(failure.message).toMatch(/stopped at depth 250/);
  });

  it("huge loops: long reductions, nested ranges, ranges past the sequence limit", async () => {
    const limits = { timeoutMs: 50 };
    expect((await failureOf("$reduce([1..900000], function($a, $b) { $a + $b })", {}, limits)).code).toBe("D1012");
    expect((await failureOf("$count([1..1000000].[1..1000000])", {}, limits)).code).toBe("D1012");
    expect((await failureOf("$sum([1..10000000])")).code).toMatch(/^D201[45]$/);
    expect((await failureOf("$sort([1..100000], function($a, $b) { $a < $b })", {}, limits)).message).toMatch(/stopped after 50 ms/);
  });

  it("strings that double in a loop, $pad, $join and $replace beyond the string limit", async () => {
    expect((await failureOf('$reduce([1..40], function($acc, $i) { $acc & $acc }, "x")')).message).toMatch(
      /a string of \d+ characters was built; the limit is 1000000/,
    );
    expect((await failureOf('$pad("", 100000000)')).message).toBe("stopped: $pad would build a string of 100000000 characters; the limit is 1000000");
    expect((await failureOf('$join([1..3].$pad("", 400000), ",")')).message).toMatch(/\$join would build a string of 1200002 characters/);
    expect((await failureOf('$replace($pad("", 100000, "a"), "a", $pad("", 1000, "b"))')).message).toMatch(/\$replace would build a string/);
  });

  it("built-ins that JSONata runs in quadratic time run in bounded time instead", async () => {
    // JSONata's own $sort copies the list at every merge step: 900,000 items exhausted the heap.
    const parsed = parseExpression("$count($sort([1..900000]))", { limits: { timeoutMs: 10_000 } });
    expect(parsed.ok && (await parsed.expression.evaluate({}))).toBe(900000);
    const sorted = parseExpression('$sort(["b", "a", "c"])');
    expect(sorted.ok && (await sorted.expression.evaluate({}))).toEqual(["a", "b", "c"]);
    const distinct = parseExpression("$count($distinct([1..30000].($ % 7)))", { limits: { timeoutMs: 10_000 } });
    expect(distinct.ok && (await distinct.expression.evaluate({}))).toBe(7);
    expect((await failureOf('$distinct([1..3000].{"a": $})')).message).toMatch(/\$distinct compares objects pairwise; at most 2000/);
    expect((await failureOf('$sort([1, "a"])')).code).toBe("D3070");
  });

  it("deep nesting in the expression text", async () => {
    expect((await failureOf(`${"(".repeat(600)}1${")".repeat(600)}`)).code).toBe("D1011");
    expect((await failureOf(`${"[".repeat(990)}1${"]".repeat(990)}`)).code).toBe("D1011");
  });

  it("a function as the result, and nothing reachable through prototypes", async () => {
    expect((await failureOf("function($x) { $x }")).message).toBe("the expression's result is a function, not data");
    const parsed = parseExpression('[$.constructor, $string.constructor, a.__proto__, $lookup($, "constructor")]');
    expect(parsed.ok && ((await parsed.expression.evaluate({ a: {} })) ?? [])).toEqual([]);
  });
});

describe("what partner expressions may not contain is refused when compiled", () => {
  it("regular expressions, wherever they appear", () => {
    for (const source of ["$contains(name, /ride/i)", "$match(name, /(a+)+$/)", '$replace(name, /x/, "y")', "$split(name, /,/)", "name ~> /a/"]) {
      expect(problemsOf(source), source).toEqual([expect.stringMatching(/^regular expressions are not allowed \(at character \d+\)/)]);
    }
  });

  it("$eval, under its name or an alias", () => {
    expect(problemsOf('$eval("1 + 1")')).toEqual([expect.stringMatching(/^\$eval is not allowed/)]);
    expect(problemsOf('($e := $eval; $e("/(a+)+$/"))')).toEqual([expect.stringMatching(/^\$eval is not allowed/)]);
  });

  it("order-by, whose comparator never yields to the time limit", () => {
    expect(problemsOf("samples^(time)")).toEqual([expect.stringMatching(/^order-by \(\^\(…\)\) is not allowed/)]);
  });

  it("text too long, empty text, syntax errors", () => {
    expect(problemsOf(`${"1+".repeat(1001)}1`)).toEqual(["an expression may be at most 2000 characters long (this one has 2003)"]);
    expect(problemsOf("  ")).toEqual(["an expression must be non-empty text"]);
    expect(problemsOf("a +")).toEqual([expect.stringMatching(/^syntax error: .*\(JSONata S\d+/)]);
  });

  it("the project's own (trusted) expressions may use regular expressions, still under the time limit", async () => {
    expect(problemsOf("$contains(name, /ride/i)", true)).toEqual([]);
    const parsed = parseExpression("$contains(name, /ride/i)", { trusted: true });
    expect(parsed.ok && (await parsed.expression.evaluate({ name: "Morning Ride" }))).toBe(true);
  });
});

describe("in a mapping, a hostile expression fails the record, never the worker", () => {
  it("the record is quarantined with an issue naming the field and the limit", async () => {
    const mapping = compileMapping({ template: { metadata: { name: { expr: "($f := function($x) { $f($x) }; $f(1))" } } } } as MappingSpec, {
      limits: { timeoutMs: 30 },
    });
    const outcome = await mapping.map({ id: 1 });
    expect(outcome).toEqual({
      kind: "failed",
      issues: [{ path: "metadata.name", rule: "expr", message: expect.stringMatching(/^metadata\.name: expression ".*" failed: stopped/) }],
      partial: {},
    });
  });

  it("a record's expressions share a time budget: once spent, the rest are not started", async () => {
    const slow = "$count([1..100000].($ * 2))";
    const mapping = compileMapping({ template: { s: { each: { path: "/xs" }, item: { expr: slow } } } } as MappingSpec, {
      recordTimeoutMs: 1,
      limits: { timeoutMs: 50 },
    });
    const outcome = await mapping.map({ xs: Array.from({ length: 1000 }, (_, i) => i) });
    if (outcome.kind !== "failed") throw new Error("expected a failure");
    expect(outcome.issues.map((i) => i.rule)).toContain("limit");
    expect(outcome.issues.find((i) => i.rule === "limit")!.message).toMatch(/not evaluated: the record's expression time is spent/);
    expect(outcome.issues.length).toBeLessThanOrEqual(2);
  });

  it("a hostile expression in a spec is refused with ERR_MAPPING_INVALID", () => {
    try {
      compileMapping({ template: { a: { expr: '$eval("$x")' } } } as MappingSpec);
      throw new Error("not refused");
    } catch (error) {
      expect(isTributaryError(error) && error.code).toBe("ERR_MAPPING_INVALID");
    }
  });
});

describe("conditions (stream filter, detail when)", () => {
  it("tests a record with JSONata's truthiness", async () => {
    const complete = compileCondition('status = "COMPLETE"', "streams.activity[0].filter");
    expect(await complete.test({ status: "COMPLETE" })).toBe(true);
    expect(await complete.test({ status: "IN_PROGRESS" })).toBe(false);
    const truthy = compileCondition("laps", "streams.activity[0].details[0].when");
    expect(await truthy.test({ laps: [0, 1] })).toBe(true);
    expect(await truthy.test({ laps: [0, ""] })).toBe(false);
    expect(await truthy.test({ laps: {} })).toBe(false);
    expect(await truthy.test({})).toBe(false);
    const bound = compileCondition("$record.owner = $connection.providerUserId", "webhook.when");
    expect(await bound.test({ owner: "p1" }, { connection: { providerUserId: "p1" } })).toBe(true);
  });

  it("refuses a bad expression when compiled and reports a failing one when run, naming where it is", async () => {
    expect(() => compileCondition("name ~> /x/", "streams.activity[0].filter")).toThrow(
      expect.objectContaining({
        code: "ERR_MAPPING_INVALID",
        message: expect.stringMatching(/^streams\.activity\[0\]\.filter: "name ~> \/x\/": regular expressions are not allowed/),
      }),
    );
    const failing = compileCondition("$error('boom')", "streams.activity[0].filter");
    await expect(failing.test({})).rejects.toMatchObject({
      code: "ERR_MAPPING_FAILED",
      message: expect.stringMatching(/^streams\.activity\[0\]\.filter "\$error\('boom'\)" failed on a record: boom/),
    });
  });
});
