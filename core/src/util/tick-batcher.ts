/**
 * Coalesces calls made during one event-loop turn into one call of `flush`. Concurrent HTTP requests
 * are parsed in the same poll phase; flushing in the check phase that follows (setImmediate) sends
 * all their Redis commands in one round trip instead of one each, without holding any request longer
 * than that turn. Every caller still awaits its own item's outcome: `flush` answers item by item, and
 * when it throws, every caller of that batch gets the error.
 */
export function createTickBatcher<I, O>(flush: (items: I[]) => Promise<O[]>): (item: I) => Promise<O> {
  let pending: Array<{ item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }> = [];

  const run = () => {
    const batch = pending;
    pending = [];
    flush(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i] as O)),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (pending.length === 0) setImmediate(run);
      pending.push({ item, resolve, reject });
    });
}
