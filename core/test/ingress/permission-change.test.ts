import { describe, expect, it } from "vitest";
import type { WebhookSpec } from "@tributary/schemas";
import { MAX_SCOPES, readPermissionChange, type PermissionsAction } from "../../src/ingress/permission-change.ts";
import { readNotifications } from "../../src/ingress/read-notifications.ts";

/** The `permissions` webhook action: what a provider's "the user changed what they share" push is read as. */
describe("the permissions webhook action", () => {
  const action: PermissionsAction = { action: "permissions", scopes: "/permissions", changedAt: "/changeTimeInSeconds" };
  const receivedAt = Date.parse("2026-03-11T08:00:00Z");

  it("reads the scopes granted now, each once in the provider's order, and the change's time", () => {
    expect(
      readPermissionChange(action, { permissions: ["HEALTH_EXPORT", "ACTIVITY_EXPORT", "HEALTH_EXPORT"], changeTimeInSeconds: 1773216000 }, receivedAt),
    ).toEqual({
      scopes: ["HEALTH_EXPORT", "ACTIVITY_EXPORT"],
      changedAt: 1773216000_000,
    });
    // None granted is a change too.
    expect(readPermissionChange(action, { permissions: [], changeTimeInSeconds: "2026-03-11T07:00:00Z" }, receivedAt)).toEqual({
      scopes: [],
      changedAt: Date.parse("2026-03-11T07:00:00Z"),
    });
  });

  it("takes the arrival as the change's time when there is none, it is unreadable or it lies in the future", () => {
    for (const changeTimeInSeconds of [undefined, "soon", null, 4_102_444_800]) {
      expect(readPermissionChange(action, { permissions: ["A"], changeTimeInSeconds }, receivedAt)).toEqual({ scopes: ["A"], changedAt: receivedAt });
    }
    expect(readPermissionChange({ action: "permissions", scopes: "/permissions" }, { permissions: ["A"], changeTimeInSeconds: 1 }, receivedAt)).toEqual({
      scopes: ["A"],
      changedAt: receivedAt,
    });
  });

  it("refuses scopes that are not a list of scope names", () => {
    for (const permissions of [undefined, null, "ACTIVITY_EXPORT", { ACTIVITY_EXPORT: true }, 7]) {
      expect(readPermissionChange(action, { permissions }, receivedAt)).toEqual({ reason: "the scopes at /permissions are not a list" });
    }
    for (const scope of ["", "  ", 3, null, ["A"], "A,B", "x".repeat(129)]) {
      expect(readPermissionChange(action, { permissions: ["OK", scope] }, receivedAt)).toMatchObject({
        reason: expect.stringContaining("is not a scope name"),
      });
    }
    expect(readPermissionChange(action, { permissions: Array.from({ length: MAX_SCOPES + 1 }, (_, i) => `S${i}`) }, receivedAt)).toMatchObject({
      reason: `more than ${MAX_SCOPES} scopes at /permissions`,
    });
  });

  it("a push whose permission change cannot be read leaves it out of its batch, as one without a user; the rest go on", () => {
    const webhook = {
      verify: { scheme: "none", reason: "test" },
      batch: { type: "keys" },
      userId: "/userId",
      events: { userPermissionsChange: action, deregistrations: { action: "deauth" } },
    } as WebhookSpec;
    const read = readNotifications(webhook, {
      userPermissionsChange: [
        { userId: "u1", permissions: ["ACTIVITY_EXPORT"], changeTimeInSeconds: 1773216000 },
        { userId: "u2", permissions: "ACTIVITY_EXPORT", changeTimeInSeconds: 1773216000 },
        { userId: "u3", permissions: ["A,B"] },
      ],
      deregistrations: [{ userId: "u4" }],
    });
    expect(read).toMatchObject({
      ok: true,
      refused: [
        { at: "/userPermissionsChange/1", reason: "the scopes at /permissions are not a list (the notification at /userPermissionsChange/1)" },
        { at: "/userPermissionsChange/2", reason: expect.stringContaining("is not a scope name") },
      ],
    });
    if (!read.ok) return;
    expect(read.notifications.map((n) => [n.eventType, n.providerUserId, n.action.action])).toEqual([
      ["userPermissionsChange", "u1", "permissions"],
      ["deregistrations", "u4", "deauth"],
    ]);
    // Alone, it refuses the request.
    expect(readNotifications(webhook, { userPermissionsChange: [{ userId: "u2", permissions: { all: true } }] })).toEqual({
      ok: false,
      reason: "the scopes at /permissions are not a list (the notification at /userPermissionsChange/0)",
    });
  });
});
