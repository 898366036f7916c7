/**
 * `promise`, or the error `onTimeout` makes once `timeoutMs` have passed, whichever comes first. The loser
 * of the race may still reject later; that rejection is swallowed, as nobody is listening by then.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
