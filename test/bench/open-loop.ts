import { connect, type Socket } from "node:net";
import type { PreparedRequest } from "./workloads.ts";

export interface OpenLoopResult {
  /** Acknowledgement latency of every answered request due after the warm-up, in ms, from the moment it was due. */
  latencies: number[];
  /** Answers other than 2xx, plus requests left unanswered. */
  failures: number;
  /** Requests actually sent per second (below `rate` when the generator itself fell behind). */
  sentPerSecond: number;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * An open-loop load generator: sends the requests at a fixed rate whatever the server does over
 * `connections` keep-alive connections, each request on an idle one as a provider's connection pool does
 * (HTTP/1.1 pipelining, where a request waits behind another's answer, only when none is idle), and
 * times each acknowledgement from the moment its request was due — a stall counts against every request
 * it held back (no coordinated omission, unlike a closed loop that stops sending while it waits). Raw
 * sockets and pre-encoded requests keep its own cost to a few µs per request.
 */
export async function openLoop(
  url: string,
  requests: readonly PreparedRequest[],
  options: {
    rate: number;
    connections: number;
    timeoutMs?: number;
    /**
     * Leading seconds of the run whose latencies are not kept: the processes reach the steady state the
     * target is about (heaps grown back after the idle minute it took to prepare the requests, connection
     * pools full) under the same load, as an operator's service is never measured cold.
     */
    warmupSeconds?: number;
  },
): Promise<OpenLoopResult> {
  const target = new URL(url);
  const encoded = requests.map((request) => {
    const head = [
      `POST ${target.pathname} HTTP/1.1`,
      `host: ${target.host}`,
      ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
      `content-length: ${request.body.length}`,
      "",
      "",
    ].join("\r\n");
    return Buffer.concat([Buffer.from(head), request.body]);
  });
  // Start from a collected heap: a full collection of the requests just built would pause the generator
  // mid-run, and a paused generator times the server wrong (bench runs with --expose-gc).
  globalThis.gc?.();
  const latencies: number[] = [];
  let failures = 0;
  let answered = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const sockets = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<{ socket: Socket; due: number[] }>((resolve, reject) => {
          const socket = connect(Number(target.port), target.hostname);
          socket.setNoDelay(true);
          const due: number[] = [];
          let pending: Buffer = Buffer.alloc(0);
          socket.on("data", (chunk: Buffer) => {
            const now = performance.now();
            pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
            // Consume every complete response: status line, headers, content-length body.
            for (;;) {
              const headerEnd = pending.indexOf(HEADER_END);
              if (headerEnd < 0) break;
              const head = pending.subarray(0, headerEnd).toString("latin1");
              const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
              const total = headerEnd + HEADER_END.length + length;
              if (pending.length < total) break;
              const status = Number(head.slice(9, 12));
              const dueAt = due.shift()!;
              if (dueAt >= measureFrom) latencies.push(now - dueAt);
              if (status < 200 || status >= 300) failures++;
              pending = pending.subarray(total);
              if (++answered === encoded.length) finish();
            }
          });
          socket.once("connect", () => resolve({ socket, due }));
          socket.once("error", reject);
        }),
    ),
  );

  const interval = 1000 / options.rate;
  const start = performance.now();
  measureFrom = start + (options.warmupSeconds ?? 0) * 1000;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < encoded.length && start + next * interval <= now) {
        const connection = pickConnection(sockets, next);
        connection.due.push(start + next * interval);
        connection.socket.write(encoded[next]!);
        next++;
      }
      if (next < encoded.length) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  const sentSeconds = (performance.now() - start) / 1000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 30_000)))]);
  clearTimeout(timer);
  for (const { socket } of sockets) socket.destroy();
  return { latencies, failures: failures + (encoded.length - answered), sentPerSecond: encoded.length / sentSeconds };
}

/**
 * An idle connection, taking turns among them (the one `turn` points at, or the next idle one after it);
 * when every connection is waiting, the one with the fewest requests outstanding.
 */
function pickConnection<C extends { due: number[] }>(connections: readonly C[], turn: number): C {
  let least = connections[turn % connections.length]!;
  for (let i = 0; i < connections.length; i++) {
    const candidate = connections[(turn + i) % connections.length]!;
    if (candidate.due.length === 0) return candidate;
    if (candidate.due.length < least.due.length) least = candidate;
  }
  return least;
}
