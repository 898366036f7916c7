import type { Rng } from "../random/prng.ts";

/** Oura-style stage characters, one per 5-minute epoch. */
export const STAGE = { deep: "1", light: "2", rem: "3", awake: "4" } as const;
export const EPOCH_SECONDS = 300;

/**
 * A night of ~90-minute cycles: light → deep → light → REM. Deep sleep dominates the first cycles and REM
 * the last ones, as in real polysomnography; brief awakenings happen between later cycles.
 */
export function nightHypnogram(rng: Rng, asleepEpochs: number): string {
  let out = STAGE.awake.repeat(rng.int(1, 4)); // sleep latency
  let asleep = 0;
  const deepFor = (cycle: number) => (cycle === 0 ? rng.int(4, 8) : cycle === 1 ? rng.int(2, 6) : cycle === 2 ? rng.int(0, 3) : rng.int(0, 1));
  const remFor = (cycle: number) => (cycle === 0 ? rng.int(1, 2) : cycle === 1 ? rng.int(2, 4) : cycle === 2 ? rng.int(3, 6) : rng.int(4, 7));
  for (let cycle = 0; asleep < asleepEpochs; cycle++) {
    const parts: Array<[string, number]> = [
      [STAGE.light, rng.int(2, 5)],
      [STAGE.deep, deepFor(cycle)],
      [STAGE.light, rng.int(1, 3)],
      [STAGE.rem, remFor(cycle)],
    ];
    for (const [stage, epochs] of parts) {
      const take = Math.min(epochs, asleepEpochs - asleep);
      out += stage.repeat(take);
      asleep += take;
    }
    if (asleep < asleepEpochs && cycle >= 1 && rng.chance(0.35)) out += STAGE.awake.repeat(rng.int(1, 2));
  }
  return out + STAGE.awake.repeat(rng.int(0, 2)); // lying awake before getting up
}

/** A short afternoon nap: mostly light sleep, a little deep sleep if it runs long. */
export function napHypnogram(rng: Rng): string {
  const asleep = rng.int(3, 11);
  const deep = asleep >= 6 ? rng.int(0, 2) : 0;
  const lightBefore = Math.ceil((asleep - deep) / 2);
  return (
    STAGE.awake +
    STAGE.light.repeat(lightBefore) +
    STAGE.deep.repeat(deep) +
    STAGE.light.repeat(asleep - deep - lightBefore) +
    STAGE.awake.repeat(rng.int(0, 1))
  );
}
