import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import { encodingsOf, findInAnyColumn } from "../find-plaintext.ts";
import { type SuiteContext, unique } from "./context.ts";

export function deadLetterTests(ctx: SuiteContext): void {
  describe("dead letters", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("writes one dead letter per failed job, however many processes report its failure", async () => {
      const destination = unique("dest");
      const jobKey = unique("deliver-x:job-1:1700000000000");
      const input = { queue: "deliver", destination, jobName: "activity", jobData: { traceId: "t" }, error: "stalled", jobKey };
      const [a, b] = await Promise.all([store.addJobDeadLetter(input), store.addJobDeadLetter(input)]);
      expect([a, b].filter((id) => id !== undefined)).toHaveLength(1);
      expect(await store.addJobDeadLetter(input)).toBeUndefined();
      expect(await store.addJobDeadLetter({ ...input, jobKey: `${jobKey}:again` })).toBeGreaterThan(0);
      expect(await store.listDeadLetters({ destination })).toHaveLength(2);
    });

    it("keeps everything needed to replay, and is claimed once on replay", async () => {
      const destination = unique("dest");
      const jobData = { event: { type: "activity", data: [{ metadata: { summary_id: "x" } }] }, tries: [1, 2] };
      const id = await store.addDeadLetter({
        queue: "deliveries",
        destination,
        traceId: "trace-dl",
        jobName: "deliver",
        jobData,
        error: "HTTP 500",
        errorCode: "ERR_DESTINATION_UNAVAILABLE",
        attempts: 8,
      });
      expect(id).toBeGreaterThan(0);

      const pending = await store.listDeadLetters({ destination });
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({
        id,
        queue: "deliveries",
        job_name: "deliver",
        job_data: jobData,
        error_code: "ERR_DESTINATION_UNAVAILABLE",
        attempts: 8,
        replayed_at: null,
      });
      expect(await store.getDeadLetter(id)).toEqual(pending[0]);

      expect(await store.markReplayed(id)).toBe(true);
      expect(await store.markReplayed(id)).toBe(false);
      expect(await store.listDeadLetters({ destination })).toEqual([]);
      const all = await store.listDeadLetters({ destination, includeReplayed: true });
      expect(all[0]?.replayed_at).not.toBeNull();
      expect(await store.getDeadLetter(999_999_999)).toBeUndefined();
      expect(await store.markReplayed(999_999_999)).toBe(false);
    });

    it("keeps job data scrubbed of secrets, the original sealed for a replay, never in clear", async () => {
      const token = unique("ping-token");
      const access = unique("user-access");
      const notification = { userId: "u1", userAccessToken: access, callbackURL: `https://apis.example/rest/sleeps?uploadStartTimeInSeconds=1&token=${token}` };
      const jobData = { notifications: [{ id: "n1", notification }] };
      const id = await store.addDeadLetter({ queue: "ingest", jobName: "GARMIN:sleeps", jobData, error: `GET ${notification.callbackURL} answered 500` });
      const letter = await store.getDeadLetter(id);
      expect(letter?.job_data).toEqual({
        notifications: [
          {
            id: "n1",
            notification: {
              userId: "u1",
              userAccessToken: "[redacted]",
              callbackURL: "https://apis.example/rest/sleeps?uploadStartTimeInSeconds=1&token=[redacted]",
            },
          },
        ],
      });
      expect(letter?.error).toBe("GET https://apis.example/rest/sleeps?uploadStartTimeInSeconds=1&token=[redacted] answered 500");
      expect(await store.openDeadLetterJob(id)).toEqual(jobData);
      expect(await findInAnyColumn(ctx.db, [token, access].flatMap(encodingsOf))).toEqual([]);
      // Nothing to scrub, nothing sealed: the job data as shown is what a replay gets.
      const plain = await store.addDeadLetter({ queue: "pull", jobName: "GARMIN:sleep", jobData: { userId: "u1" } });
      expect(await store.openDeadLetterJob(plain)).toEqual({ userId: "u1" });
      expect(await store.openDeadLetterJob(999_999_999)).toBeUndefined();
      // Sealed for its own row: copied into another it does not open.
      await ctx.db.query("UPDATE dead_letters SET job_data_ciphertext = (SELECT job_data_ciphertext FROM dead_letters WHERE id = $1) WHERE id = $2", [
        id,
        plain,
      ]);
      await expect(store.openDeadLetterJob(plain)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_/) });
    });
  });
}
