import { describe, expect, it } from "vitest";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { compileTemplate, type TemplateScope } from "../../src/spec/template.ts";

const scopeOf =
  (values: Record<string, unknown>, document?: unknown): TemplateScope =>
  (name) =>
    name === "document" ? document : values[name];

describe("templates", () => {
  it("a text without placeholders is constant and renders as written", () => {
    const template = compileTemplate("/v1/workouts");
    expect(template.constant).toBe(true);
    expect(template.variables).toEqual([]);
    expect(
      template.render(() => {
        throw new Error("a constant never asks its scope");
      }),
    ).toBe("/v1/workouts");
  });

  it("lists the variables and pointers it reads, in order, names trimmed", () => {
    const template = compileTemplate("/users/{ provider_user_id }/rides/{record.ride.id}?t={/object_type}&u={provider_user_id}");
    expect(template.constant).toBe(false);
    expect(template.variables).toEqual(["provider_user_id", "record.ride.id", "/object_type", "provider_user_id"]);
  });

  it("renders variables, and pointers into the scope's document", () => {
    const template = compileTemplate("{/object_type}.{/aspect_type} for {user_id}");
    expect(template.render(scopeOf({ user_id: "u1" }, { object_type: "activity", aspect_type: "create" }))).toBe("activity.create for u1");
  });

  it("writes values as text: null as nothing, dates as ISO-8601, objects as JSON", () => {
    const template = compileTemplate("{a}|{b}|{c}|{d}|{e}|{f}");
    const scope = scopeOf({ a: null, b: 42, c: false, d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), e: { x: [1] }, f: 10n });
    expect(template.render(scope)).toBe('|42|false|2024-01-02T03:04:05.000Z|{"x":[1]}|10');
  });

  it("encodes the values it inserts, never the literal text", () => {
    const template = compileTemplate("/search?q={query}&x=a b");
    expect(template.render(scopeOf({ query: "a&b c" }), encodeURIComponent)).toBe("/search?q=a%26b%20c&x=a b");
  });

  it("{{ and }} are literal braces", () => {
    const template = compileTemplate('{{"user": "{user_id}"}}');
    expect(template.variables).toEqual(["user_id"]);
    expect(template.render(scopeOf({ user_id: "u1" }))).toBe('{"user": "u1"}');
    expect(compileTemplate("{{}}").render(scopeOf({}))).toBe("{}");
  });

  it("a variable the scope lacks is an ERR_TEMPLATE_VARIABLE error naming it", () => {
    const template = compileTemplate("/users/{provider_user_id}");
    expect(() => template.render(scopeOf({}))).toThrow(
      expect.objectContaining({ code: ErrorCodes.TEMPLATE_VARIABLE, message: expect.stringContaining("{provider_user_id}") }),
    );
    expect(() => compileTemplate("{/a/b}").render(scopeOf({}, { a: {} }))).toThrow(expect.objectContaining({ code: ErrorCodes.TEMPLATE_VARIABLE }));
  });

  it.each([
    ["/users/{user id}", '"{user id}" is not a variable name or a JSON pointer'],
    ["/users/{}", '"{}" is not a variable name or a JSON pointer'],
    ["/users/{1st}", '"{1st}" is not a variable name or a JSON pointer'],
    ["/users/{user_id", "unbalanced brace"],
    ["/users/user_id}", "unbalanced brace"],
    ["/users/{a{b}", "unbalanced brace"],
  ])("%s is refused when compiled (ERR_SPEC_INVALID)", (source, problem) => {
    expect(() => compileTemplate(source)).toThrow(expect.objectContaining({ code: ErrorCodes.SPEC_INVALID, message: expect.stringContaining(problem) }));
  });
});
