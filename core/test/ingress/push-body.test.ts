import { describe, expect, it } from "vitest";
import type { WebhookSpec } from "../../src/contracts/webhook.ts";
import { extractNotifications } from "../../src/ingress/extract-notifications.ts";
import { getByPointer } from "../../src/ingress/json-pointer.ts";
import { MAX_PUSH_DEPTH, parsePushBody } from "../../src/ingress/parse-push-body.ts";

const nested = (depth: number, open = "[", close = "]") => Buffer.from(`${open.repeat(depth)}${close.repeat(depth)}`);

describe("parsing a push body", () => {
  it("parses JSON up to the depth limit, counting brackets outside strings only", () => {
    expect(parsePushBody(nested(MAX_PUSH_DEPTH))).toMatchObject({ ok: true });
    expect(parsePushBody(Buffer.from(`{"s":"${"[".repeat(10_000)}\\"{{{"}`))).toEqual({ ok: true, body: { s: `${"[".repeat(10_000)}"{{{` } });
  });

  it("refuses nesting deeper than the limit before parsing, in arrays, objects or both", () => {
    for (const body of [nested(MAX_PUSH_DEPTH + 1), nested(10_000), Buffer.from(`${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`)]) {
      expect(parsePushBody(body)).toEqual({ ok: false, reason: `body is nested deeper than ${MAX_PUSH_DEPTH} levels` });
    }
  });

  it("refuses what is not JSON, and __proto__ or constructor.prototype keys", () => {
    expect(parsePushBody(Buffer.from("{nope"))).toEqual({ ok: false, reason: "body is not valid JSON" });
    expect(parsePushBody(Buffer.from(""))).toEqual({ ok: false, reason: "body is not valid JSON" });
    for (const text of ['{"__proto__":{"polluted":1}}', '{"a":[{"constructor":{"prototype":{"x":1}}}]}']) {
      expect(parsePushBody(Buffer.from(text))).toEqual({ ok: false, reason: "body carries a forbidden __proto__ or constructor.prototype key" });
    }
    expect(parsePushBody(Buffer.from('{"constructor":"a plain field"}'))).toMatchObject({ ok: true });
  });
});

describe("splitting a push body into notifications", () => {
  const spec: WebhookSpec = {
    verify: { scheme: "hmac", header: "x" },
    batchPointer: "/events",
    userIdPointer: "/owner_id",
    eventTypePointer: "/kind",
    events: { activity: { kind: "push", dataType: "activity", recordsPointer: "/records" } },
  };
  const batch = (events: unknown[]) => ({ events });

  it("maps own event types only: names on Object's prototype are unknown event types", () => {
    for (const kind of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      expect(extractNotifications(spec, batch([{ kind, owner_id: "a" }]))).toEqual({ ok: false, reason: `unknown event type "${kind}"` });
    }
    expect(extractNotifications(spec, batch([{ kind: "activity", owner_id: "a" }]))).toMatchObject({ ok: true });
  });

  it("caps the notifications of one request", () => {
    const events = Array.from({ length: 11 }, () => ({ kind: "activity", owner_id: "a" }));
    expect(extractNotifications(spec, batch(events.slice(0, 10)), { maxNotifications: 10 })).toMatchObject({ ok: true });
    expect(extractNotifications(spec, batch(events), { maxNotifications: 10 })).toEqual({
      ok: false,
      reason: "11 notifications in one request; at most 10 are accepted, send them in several requests",
    });
  });

  it("refuses user ids that cannot be one: missing, empty, too long, not a finite number or string", () => {
    for (const owner of [undefined, "", "x".repeat(257), null, {}, [], true]) {
      expect(extractNotifications(spec, batch([{ kind: "activity", owner_id: owner }])), String(owner)).toMatchObject({ ok: false });
    }
    expect(extractNotifications(spec, batch([{ kind: "activity", owner_id: 12345 }]))).toMatchObject({ ok: true, notifications: [{ providerUserId: "12345" }] });
  });

  it("reads JSON pointers through own properties only", () => {
    expect(getByPointer({ a: [{ b: 1 }] }, "/a/0/b")).toBe(1);
    expect(getByPointer({}, "/constructor")).toBeUndefined();
    expect(getByPointer({ a: [] }, "/a/length")).toBe(0);
    expect(getByPointer({ a: "text" }, "/a/length")).toBeUndefined();
  });
});
