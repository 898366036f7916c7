import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import { encodingsOf, findInAnyColumn } from "../find-plaintext.ts";
import { type SuiteContext, unique } from "./context.ts";

export function quarantineTests(ctx: SuiteContext): void {
  describe("quarantine", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("stores records holding NUL characters and lone surrogates (jsonb refuses both) with them escaped", async () => {
      const userId = randomUUID();
      const raw = { ["key\u0000"]: "value\u0000", lone: "\ud800", pair: "😀", literal: "\\u0000" };
      const issues = [{ path: "/name", rule: "type", message: "bad \u0000 value" }];
      const id = await store.quarantineRecord({
        userId,
        provider: "SANDBOX",
        dataType: "activity",
        record: { name: "a\u0000b" },
        raw,
        issues,
        traceId: "trace\u0000",
      });
      const [stored] = await store.listQuarantine({ userId });
      expect(stored).toMatchObject({
        id,
        record: { name: "a\\u0000b" },
        raw: { ["key\\u0000"]: "value\\u0000", lone: "\\ud800", pair: "😀", literal: "\\u0000" },
        issues: [{ message: "bad \\u0000 value" }],
        trace_id: "trace\\u0000",
      });
    });

    it("stores failed records with their issues and counts the unresolved ones", async () => {
      const userId = randomUUID();
      const issues = [{ path: "/metadata/start_time", rule: "required", message: "start_time is required" }];
      const raw = { provider: "payload", values: [1, 2, 3] };
      const id = await store.quarantineRecord({
        userId,
        provider: "FITBIT",
        dataType: "sleep",
        record: { metadata: {} },
        raw,
        issues,
        traceId: "trace-q",
      });
      await store.quarantineRecord({ userId, provider: "FITBIT", dataType: "daily", issues });

      expect(await store.countQuarantine({ userId })).toBe(2);
      const sleep = await store.listQuarantine({ userId, dataType: "sleep" });
      expect(sleep).toHaveLength(1);
      expect(sleep[0]).toMatchObject({ id, user_id: userId, data_type: "sleep", raw, issues, record: { metadata: {} } });

      expect(await store.resolveQuarantine(id)).toBe(true);
      expect(await store.countQuarantine({ userId })).toBe(1);
      expect(await store.countQuarantine({ userId, includeResolved: true })).toBe(2);
      expect(await store.countQuarantine()).toBeGreaterThanOrEqual(1);
      await expect(store.quarantineRecord({ userId, issues: [] })).rejects.toMatchObject({
        code: "ERR_STATE_INVALID_ARGUMENT",
      });
    });

    it("stores the raw payload and the record scrubbed of secrets: generic names, URL parameters, the provider's own", async () => {
      const userId = randomUUID();
      const [token, pushed, known, signature] = [unique("ping"), unique("pushed"), unique("known-secret"), unique("sig")];
      const raw = {
        userAccessToken: pushed,
        callbackURL: `https://apis.example/rest/dailies?token=${token}&start=1`,
        hook_key: pushed,
        nested: [{ signature, note: `echoed ${known}` }],
        empty_token: "",
      };
      await store.quarantineRecord({
        userId,
        provider: "GARMIN",
        dataType: "daily",
        record: { metadata: { summary_id: "s1", url: `https://x.example/?access_token=${token}` } },
        raw,
        issues: [{ path: "/x", rule: "type", message: `not a number: ${known}` }],
        secrets: { names: ["hook_key"], values: [known] },
      });
      const [stored] = await store.listQuarantine({ userId });
      expect(stored).toMatchObject({
        raw: {
          userAccessToken: "[redacted]",
          callbackURL: "https://apis.example/rest/dailies?token=[redacted]&start=1",
          hook_key: "[redacted]",
          nested: [{ signature: "[redacted]", note: "echoed [redacted]" }],
          empty_token: "",
        },
        record: { metadata: { summary_id: "s1", url: "https://x.example/?access_token=[redacted]" } },
        issues: [{ message: "not a number: [redacted]" }],
      });
      expect(await findInAnyColumn(ctx.db, [token, pushed, known, signature].flatMap(encodingsOf))).toEqual([]);
    });
  });
}
