const MAX_ATTEMPTS = 4;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `attempt` again when it fails with a deadlock or serialization conflict: the server rolled the
 * transaction back, and concurrent upserts of the same keys (InnoDB gap locks above all) do this under
 * normal load. The random pause keeps the two sides from colliding again in step.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, isConflict: (error: unknown) => boolean): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= MAX_ATTEMPTS || !isConflict(error)) throw error;
      await pause(Math.floor(Math.random() * 25 * tries) + 5);
    }
  }
}
