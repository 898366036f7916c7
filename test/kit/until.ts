/**
 * Poll `probe` until it returns a value (not undefined) and return it; a probe that throws counts as "not
 * yet" (a server still starting), and its last error is in the timeout's message.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`);
}
