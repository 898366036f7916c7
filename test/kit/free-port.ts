import { randomInt } from "node:crypto";
import { createServer } from "node:net";

/*
 * Below the kernel's ephemeral range (Linux: 32768–60999), which every `listen(0)` and outgoing connection
 * of the parallel test files draws from: a port handed out here and bound moments later (often by a child
 * process still starting) is not one the kernel gives another socket meanwhile.
 */
const LOW = 20_000;
const HIGH = 32_000;

async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now, outside the range the kernel hands out itself. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = randomInt(LOW, HIGH);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${LOW} and ${HIGH} after 100 tries`);
}
