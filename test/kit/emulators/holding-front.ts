import { createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";

/** A front that holds requests: what a test that stops a request under way (an aborted write) points a client at. */
export interface HoldingFront {
  url: string;
  /** Resolves once a request is received whole and held. */
  held: Promise<void>;
  /** Resolves once the client of a held request has gone (stopped it): that request will never reach the target. */
  dropped: Promise<void>;
  /** Lets every request held, and every later one, through to the target — those whose client is still there. */
  release(): void;
  close(): Promise<void>;
}

/**
 * An HTTP front for an emulator that holds each request, once received whole, until `release()`, and then
 * forwards it only if its client is still waiting: a request its client stopped (an abort signal) never
 * reaches the target, and one its client kept does, late — as a slow network does with a request in flight.
 */
export async function startHoldingFront(target: string): Promise<HoldingFront> {
  const { hostname, port } = new URL(target);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let heldOne!: () => void;
  const held = new Promise<void>((resolve) => (heldOne = resolve));
  let droppedOne!: () => void;
  const dropped = new Promise<void>((resolve) => (droppedOne = resolve));
  const server = createServer((incoming, answer) => {
    let gone = false;
    let holding = false;
    answer.on("close", () => {
      gone = true;
      if (holding) droppedOne();
    });
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      holding = true;
      heldOne();
      void released.then(() => {
        holding = false;
        if (gone) return;
        const outgoing = forward({ host: hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
          answer.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(answer);
        });
        outgoing.on("error", (error) => answer.destroy(error));
        outgoing.end(Buffer.concat(chunks));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${own}`,
    held,
    dropped,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs `write` through `front`, aborts its signal once its request is held there, and — once its client has
 * dropped the request, and the front lets everything else through — says what the write rejected with and the
 * reason the signal was aborted with. Hangs (the test times out) when the client never stops its request.
 */
export async function abortHeldWrite(front: HoldingFront, write: (signal: AbortSignal) => Promise<void>): Promise<{ rejected: unknown; reason: Error }> {
  const givenUp = new AbortController();
  const outcome = write(givenUp.signal).then(
    () => undefined,
    (error: unknown) => error,
  );
  await front.held;
  const reason = new Error("the write timed out");
  givenUp.abort(reason);
  const rejected = await outcome;
  await front.dropped;
  front.release();
  return { rejected, reason };
}
