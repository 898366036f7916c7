import { describe, expect, it } from "vitest";
import { compilePointer, readPointer } from "../../src/spec/pointer.ts";

const document = {
  id: 7,
  data: { items: [{ name: "a" }, { name: "b" }], "a/b": "slash", "m~n": "tilde", "": "empty key", nothing: null },
};

describe("JSON pointers (RFC 6901)", () => {
  it('"" is the whole document', () => {
    expect(readPointer(document, "")).toBe(document);
  });

  it("walks objects and arrays", () => {
    expect(readPointer(document, "/id")).toBe(7);
    expect(readPointer(document, "/data/items/1/name")).toBe("b");
    expect(readPointer(document, "/data/items/0")).toEqual({ name: "a" });
  });

  it("unescapes ~1 to / and ~0 to ~, in that order", () => {
    expect(readPointer(document, "/data/a~1b")).toBe("slash");
    expect(readPointer(document, "/data/m~0n")).toBe("tilde");
    expect(readPointer({ "~1": "literal" }, "/~01")).toBe("literal");
    expect(readPointer(document, "/data/")).toBe("empty key");
  });

  it("answers undefined for what is not there, or under a null or a scalar", () => {
    expect(readPointer(document, "/missing")).toBeUndefined();
    expect(readPointer(document, "/data/items/5/name")).toBeUndefined();
    expect(readPointer(document, "/data/nothing")).toBeNull();
    expect(readPointer(document, "/data/nothing/deeper")).toBeUndefined();
    expect(readPointer(document, "/id/deeper")).toBeUndefined();
    expect(readPointer("text", "/length")).toBeUndefined();
    expect(readPointer(null, "/a")).toBeUndefined();
  });

  it("follows own properties only: a hostile document cannot reach prototypes", () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": {}}') as Record<string, unknown>;
    expect(readPointer({}, "/__proto__")).toBeUndefined();
    expect(readPointer({}, "/constructor")).toBeUndefined();
    expect(readPointer({ a: {} }, "/a/toString")).toBeUndefined();
    expect(readPointer({}, "/hasOwnProperty")).toBeUndefined();
    // A key that JSON.parse made an own property is data like any other.
    expect(readPointer(hostile, "/__proto__/polluted")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("reads array elements by index only", () => {
    expect(readPointer(document, "/data/items/length")).toBeUndefined();
    expect(readPointer(document, "/data/items/01")).toBeUndefined();
    expect(readPointer(document, "/data/items/-")).toBeUndefined();
    expect(readPointer([10, 20], "/1")).toBe(20);
  });

  it('refuses a pointer that does not start with "/"', () => {
    expect(() => compilePointer("id")).toThrow(TypeError);
    expect(() => compilePointer("#/id")).toThrow(/starts with "\/"/);
  });

  it("compiles each pointer once", () => {
    expect(compilePointer("/data/items")).toBe(compilePointer("/data/items"));
  });
});
