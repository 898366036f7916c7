import { isTributaryError } from "../errors/tributary-error.ts";
import type { DeadLettersFilter, StateStore } from "../state/index.ts";
import { replayDeadLetter, type ReplayDeadLetterDeps } from "./replay-dead-letter.ts";

export interface ReplayManyDeps extends ReplayDeadLetterDeps {
  store: ReplayDeadLetterDeps["store"] & Pick<StateStore, "listDeadLetters" | "countDeadLetters">;
}

export interface ReplayManyResult {
  /** How many the filter selected when the replay began. */
  total: number;
  replayed: number;
  /** Those that could not be replayed, and why (replayed meanwhile by someone else, unknown queue, …). */
  failed: { id: number; reason: string }[];
}

const PAGE = 500;

/**
 * Replay every unreplayed dead letter a filter selects (destination, queue, error code, time range), one
 * at a time as `replayDeadLetter` does, so each is claimed once even with two operators at it. A replayed
 * one leaves the selection, so the next page is simply the next newest; one that failed stays and is
 * skipped.
 */
export async function replayDeadLetters(
  deps: ReplayManyDeps,
  filter: DeadLettersFilter,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<ReplayManyResult> {
  const selection = { ...filter, includeReplayed: false };
  const total = await deps.store.countDeadLetters(selection);
  const failed = new Map<number, string>();
  let replayed = 0;
  onProgress(0, total);
  while (replayed + failed.size < total) {
    const page = (await deps.store.listDeadLetters({ ...selection, limit: PAGE + failed.size })).filter((letter) => !failed.has(letter.id));
    if (page.length === 0) break;
    for (const letter of page) {
      try {
        const outcome = await replayDeadLetter(deps, letter.id);
        if (outcome.status === "replayed") replayed++;
        else failed.set(letter.id, outcome.status === "already_replayed" ? "already replayed" : "gone");
      } catch (error) {
        if (!isTributaryError(error) || error.errorClass !== "user") throw error;
        failed.set(letter.id, error.toOperatorString());
      }
      onProgress(Math.min(replayed + failed.size, total), total);
      if (replayed + failed.size >= total) break;
    }
  }
  return { total, replayed, failed: [...failed].map(([id, reason]) => ({ id, reason })) };
}
