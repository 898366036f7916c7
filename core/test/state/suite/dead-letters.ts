import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
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
  });
}
