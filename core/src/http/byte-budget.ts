/**
 * Bytes each source address may send in a window: a request count alone lets one source that holds a
 * push secret send its whole allowance as 5 MiB bodies, each read, HMAC'd and parsed on the event loop
 * every other request waits on. Requests are charged what they declare (Content-Length) before their body
 * is read, or what they sent once it is (chunked bodies). Fixed windows, in memory, per process.
 */
export interface ByteBudget {
  /** Seconds until `source` may send again, or 0 when it is within its budget. */
  wait(source: string, now?: number): number;
  charge(source: string, bytes: number, now?: number): void;
}

export function createByteBudget(options: { maxBytes: number; windowMs: number; maxSources?: number }): ByteBudget {
  const maxSources = options.maxSources ?? 10_000;
  const windows = new Map<string, { started: number; bytes: number }>();
  const current = (source: string, now: number) => {
    let window = windows.get(source);
    if (!window || now - window.started >= options.windowMs) {
      windows.delete(source);
      window = { started: now, bytes: 0 };
      windows.set(source, window);
      // Insertion order: the first key is the source heard from longest ago.
      if (windows.size > maxSources) windows.delete(windows.keys().next().value!);
    }
    return window;
  };
  return {
    wait(source, now = Date.now()) {
      const window = windows.get(source);
      if (!window || now - window.started >= options.windowMs || window.bytes < options.maxBytes) return 0;
      return Math.max(1, Math.ceil((window.started + options.windowMs - now) / 1000));
    },
    charge(source, bytes, now = Date.now()) {
      current(source, now).bytes += bytes;
    },
  };
}
