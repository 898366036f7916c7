import { describe, expect, it } from "vitest";
import type { WebhookSpec } from "@tributary/schemas";
import { MAX_FORM_FIELDS, parseFormBody } from "../../src/ingress/parse-form-body.ts";
import { decodePushBody, MAX_PUSH_DEPTH, parsePushBody } from "../../src/ingress/parse-push-body.ts";
import { readNotifications } from "../../src/ingress/read-notifications.ts";

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

describe("form-encoded push bodies (Withings)", () => {
  it("decodes fields as text, a repeated field as a list", () => {
    expect(decodePushBody(Buffer.from("userid=12345&appli=1&startdate=1530576000&enddate=1530698753"), "form")).toEqual({
      ok: true,
      body: { userid: "12345", appli: "1", startdate: "1530576000", enddate: "1530698753" },
    });
    expect(decodePushBody(Buffer.from("a=1&a=2&b=%C3%A9+x"), "form")).toEqual({ ok: true, body: { a: ["1", "2"], b: "é x" } });
    expect(decodePushBody(Buffer.from('{"a":1}'), "json")).toEqual({ ok: true, body: { a: 1 } });
  });

  it("refuses fields named after Object's members and bodies with too many fields", () => {
    for (const name of ["__proto__", "constructor", "prototype"]) {
      expect(parseFormBody(Buffer.from(`userid=1&${name}=x`))).toMatchObject({ ok: false, reason: expect.stringContaining(name) });
    }
    expect(parseFormBody(Buffer.from(Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `f${i}=1`).join("&")))).toMatchObject({ ok: false });
  });
});

describe("splitting a push body into notifications", () => {
  const spec = {
    verify: { scheme: "none", reason: "test" },
    batch: { type: "array", path: "/events" },
    userId: "/owner_id",
    eventType: "/kind",
    events: { activity: { action: "records", dataType: "activity", records: "/records" } },
  } as WebhookSpec;
  const batch = (events: unknown[]) => ({ events });

  it("maps own event types only: names on Object's prototype are unknown event types", () => {
    for (const kind of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      expect(readNotifications(spec, batch([{ kind, owner_id: "a" }]))).toEqual({ ok: false, reason: `unknown event type "${kind}"` });
    }
    expect(readNotifications(spec, batch([{ kind: "activity", owner_id: "a" }]))).toMatchObject({ ok: true });
  });

  it("caps the notifications of one request, at the spec's maxNotifications or the server's limit", () => {
    const events = Array.from({ length: 11 }, () => ({ kind: "activity", owner_id: "a" }));
    expect(readNotifications(spec, batch(events.slice(0, 10)), { maxNotifications: 10 })).toMatchObject({ ok: true });
    expect(readNotifications(spec, batch(events), { maxNotifications: 10 })).toEqual({
      ok: false,
      reason: "11 notifications in one request; at most 10 are accepted, send them in several requests",
    });
    expect(readNotifications({ ...spec, maxNotifications: 5 }, batch(events.slice(0, 6)))).toMatchObject({ ok: false });
  });

  it("refuses user ids that cannot be one: missing, empty, too long, not a finite number or string", () => {
    for (const owner of [undefined, "", "x".repeat(257), null, {}, [], true]) {
      expect(readNotifications(spec, batch([{ kind: "activity", owner_id: owner }])), String(owner)).toMatchObject({ ok: false });
    }
    expect(readNotifications(spec, batch([{ kind: "activity", owner_id: 12345 }]))).toMatchObject({ ok: true, notifications: [{ providerUserId: "12345" }] });
  });

  it("reads event types from a template of pointers, and picks the first action whose `when` holds (Strava)", () => {
    const strava = {
      verify: { scheme: "none", reason: "test" },
      userId: "/owner_id",
      eventType: "{/object_type}.{/aspect_type}",
      events: {
        "activity.create": { action: "pull_object", dataType: "activity", id: "/object_id" },
        "athlete.update": [{ action: "deauth", when: { "/updates/authorized": "false" } }, { action: "ignore" }],
      },
    } as WebhookSpec;
    const read = (document: unknown) => readNotifications(strava, document);
    expect(read({ object_type: "activity", aspect_type: "create", owner_id: 1, object_id: 9 })).toMatchObject({
      ok: true,
      notifications: [{ eventType: "activity.create", action: { action: "pull_object" }, providerUserId: "1" }],
    });
    expect(read({ object_type: "athlete", aspect_type: "update", owner_id: 1, updates: { authorized: "false" } })).toMatchObject({
      ok: true,
      notifications: [{ action: { action: "deauth" } }],
    });
    expect(read({ object_type: "athlete", aspect_type: "update", owner_id: 1, updates: { title: "x" } })).toMatchObject({
      ok: true,
      notifications: [{ action: { action: "ignore" } }],
    });
    // A part missing or not a scalar: no event type, and no catch-all to take it.
    expect(read({ object_type: "activity", owner_id: 1 })).toEqual({ ok: false, reason: "no event type at the body" });
    expect(read({ object_type: { a: 1 }, aspect_type: "create", owner_id: 1 })).toMatchObject({ ok: false });
  });

  it("splits a keys batch (Garmin): each key an event type holding a list, counted before anything is read", () => {
    const garmin = {
      verify: { scheme: "none", reason: "test" },
      batch: { type: "keys" },
      userId: "/userId",
      events: { activities: { action: "records", dataType: "activity", records: "" }, deregistrations: { action: "deauth" } },
    } as WebhookSpec;
    const result = readNotifications(garmin, {
      activities: [
        { userId: "u1", summaryId: "1" },
        { userId: "u2", summaryId: "2" },
      ],
      deregistrations: [{ userId: "u3" }],
    });
    expect(result).toMatchObject({
      ok: true,
      notifications: [
        { eventType: "activities", providerUserId: "u1" },
        { eventType: "activities", providerUserId: "u2" },
        { eventType: "deregistrations", providerUserId: "u3" },
      ],
    });
    expect(readNotifications(garmin, { constructor: [{ userId: "u1" }] })).toEqual({ ok: false, reason: 'unknown event type "constructor"' });
    expect(readNotifications(garmin, { activities: Array.from({ length: 11 }, () => ({ userId: "u" })) }, { maxNotifications: 10 })).toMatchObject({
      ok: false,
    });
    expect(readNotifications(garmin, [1, 2])).toMatchObject({ ok: false });
  });

  it("needs no user for an ignored notification (Polar's PING)", () => {
    const polar = {
      verify: { scheme: "none", reason: "test" },
      userId: "/user_id",
      eventType: "/event",
      events: { PING: { action: "ignore" }, EXERCISE: { action: "pull_window", dataType: "activity" } },
    } as WebhookSpec;
    expect(readNotifications(polar, { event: "PING", timestamp: "2018-05-15T14:22:24Z" })).toMatchObject({
      ok: true,
      notifications: [{ eventType: "PING", action: { action: "ignore" } }],
    });
    expect(readNotifications(polar, { event: "EXERCISE" })).toEqual({ ok: false, reason: "no user id at /user_id" });
  });
});
