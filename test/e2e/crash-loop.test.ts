import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeadDeliveryData, IngestJobData } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { replayDeadLetter } from "@tributary/core/services";
import type { DeadLetter } from "@tributary/core/state";
import { until } from "../kit/until.ts";
import { startProcessDeployment, type ProcessDeployment } from "./process-deployment.ts";

/*
 * Worker processes killed without warning, again and again, while provider pushes keep arriving and the
 * destination answers slowly (so deliveries are always in flight): every record a push was acknowledged
 * for must end delivered, dead-lettered or quarantined — none silently lost — and the counts must add up.
 */

const KILLS = 8;
const KILL_EVERY_MS = 4000;
const PUSH_EVERY_MS = 120;
const MIN_PUSHES = 100;

describe("repeated worker crashes", () => {
  let d: ProcessDeployment;
  beforeAll(async () => {
    d = await startProcessDeployment({ receiverDelayMs: 400, workers: 2, workerArgs: ["--concurrency", "8"] });
  }, 400_000);
  afterAll(async () => {
    await d?.close();
  });

  it("loses nothing acknowledged: delivered, dead-lettered or quarantined, and the counts reconcile", async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => d.sandboxUser()));
    const valid = new Set<string>();
    const invalid = new Set<string>();
    let acknowledged = 0;
    let refused = 0;

    // Pushes: one valid activity each, and every fifth an invalid record too (for quarantine).
    let pushing = true;
    const traffic = (async () => {
      for (let n = 0; pushing; n++) {
        const user = users[n % users.length]!;
        const id = `crash-${randomUUID()}`;
        const bad = n % 5 === 0 ? `bad-${randomUUID()}` : undefined;
        const request = d.signed([{ event: "activity.push", owner_id: user.providerUserId, records: [d.activityRecord(id), ...(bad ? [{ id: bad }] : [])] }]);
        const answer = await d.client.send({ path: "/hooks/sandbox", body: request.rawBody, headers: request.headers });
        if (answer.status === 200) {
          acknowledged++;
          valid.add(`activity/${id}`);
          if (bad) invalid.add(bad);
        } else refused++;
        await new Promise((resolve) => setTimeout(resolve, PUSH_EVERY_MS));
      }
    })();

    // The killer: SIGKILL a worker process mid-traffic, start its replacement, again and again.
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, KILL_EVERY_MS));
      const alive = d.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const victim = alive[kill % alive.length]!;
      victim.child.kill("SIGKILL");
      await victim.exited;
      await d.startWorker();
    }
    // How many pushes fit between the kills depends on how busy the machine is: push on until enough
    // have been acknowledged for the counts to mean something.
    await until("enough pushes acknowledged", async () => (acknowledged >= MIN_PUSHES || refused > 0 ? true : undefined), 300_000, 200);
    pushing = false;
    await traffic;
    expect(refused).toBe(0);
    expect(acknowledged).toBeGreaterThanOrEqual(MIN_PUSHES);

    const reconcile = async () => {
      const letters = await d.app.ctx.store.listDeadLetters({ limit: 1000, includeReplayed: true });
      const inLetters = (key: string) => letters.some((letter) => deadLetterHolds(letter, key));
      const quarantined = new Set((await d.app.ctx.store.listQuarantine({ limit: 1000 })).map((q) => (q.raw as { id?: string } | null)?.id));
      const delivered = d.receiver.delivered();
      const outcome = { delivered: 0, deadLettered: 0, quarantined: 0, missing: [] as string[] };
      for (const key of valid) {
        if (delivered.has(key)) outcome.delivered++;
        else if (inLetters(key)) outcome.deadLettered++;
        else outcome.missing.push(key);
      }
      for (const id of invalid) {
        if (quarantined.has(id)) outcome.quarantined++;
        else if (inLetters(id)) outcome.deadLettered++;
        else outcome.missing.push(id);
      }
      return { outcome, letters };
    };
    // The last crash may have interrupted a dead letter: the sweep of failed jobs writes it within 30 s.
    await waitForIdle(d.app.ctx.queues, { timeoutMs: 180_000 });
    const { outcome, letters } = await until(
      "every acknowledged record to be accounted for",
      async () => {
        const result = await reconcile();
        return result.outcome.missing.length === 0 ? result : undefined;
      },
      120_000,
      2000,
    ).catch(async () => reconcile());

    const duplicates = [...d.receiver.delivered().values()].filter((count) => count > 1).length;
    console.log(
      `crash loop: ${KILLS} SIGKILLs, ${acknowledged} pushes acknowledged (${valid.size} valid records, ${invalid.size} invalid): ` +
        `${outcome.delivered} delivered (${duplicates} of them more than once), ${outcome.quarantined} quarantined, ` +
        `${outcome.deadLettered} dead-lettered (${letters.length} dead letters: ${[...new Set(letters.map((l) => l.error_code))].join(", ") || "none"}), ${outcome.missing.length} missing`,
    );
    expect(outcome.missing).toEqual([]);
    expect(outcome.delivered + outcome.deadLettered + outcome.quarantined).toBe(valid.size + invalid.size);
    // Each dead letter says why; a delivered payload never becomes one.
    for (const letter of letters) {
      expect(letter.error).toBeTruthy();
      expect(letter.error_code).not.toBe("ERR_PAYLOAD_MISSING");
    }

    // Replaying every dead letter delivers what they held and makes no new one.
    for (const letter of letters) await replayDeadLetter({ store: d.app.ctx.store, queues: d.app.producer, policy: d.app.ctx.policy }, letter.id);
    await waitForIdle(d.app.ctx.queues, { timeoutMs: 120_000 });
    const after = await d.app.ctx.store.listDeadLetters({ limit: 1000 });
    expect(after.filter((letter) => !letters.some((before) => before.id === letter.id))).toEqual([]);
    const delivered = d.receiver.delivered();
    expect([...valid].filter((key) => !delivered.has(key))).toEqual([]);
  }, 600_000);
});

/** Whether a dead letter carries this record (by natural key or provider id): in its notifications, or its payload. */
function deadLetterHolds(letter: DeadLetter, key: string): boolean {
  const id = key.replace(/^activity\//, "");
  if (letter.queue === "ingest") return JSON.stringify((letter.job_data as IngestJobData).notifications).includes(id);
  if (letter.queue === "deliver") return ((letter.job_data as DeadDeliveryData).payloadJson ?? "").includes(id);
  return false;
}
