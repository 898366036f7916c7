/**
 * The legitimate side of `pnpm fuzz-hooks`, in a process of its own so the attack generator's work (5 MiB
 * bodies, signing) never delays it: signed pushes at a fixed rate, each timed from when it was due.
 * Started with fork(); told { port, secret, users, rate, seconds }, it answers with every push's result;
 * "attack" marks the moment the attack starts.
 */
import { createHostileClient } from "../kit/hostile-client.ts";
import { activityTemplates, preparePushes, type BenchUser } from "./workloads.ts";

export interface LegitPlan {
  port: number;
  secret: string;
  users: BenchUser[];
  rate: number;
  seconds: number;
}

export interface LegitResult {
  latency: number;
  status: number;
  phase: "baseline" | "attack";
  /** When it was due, in ms after the attack started (negative before). */
  sinceAttack: number;
  keys: string[];
}

let attackFrom = Number.POSITIVE_INFINITY;
let stop = false;
process.on("message", (message: { plan?: LegitPlan; attack?: true; stop?: true }) => {
  if (message.attack) attackFrom = performance.now();
  if (message.stop) stop = true;
  if (message.plan) void run(message.plan);
});

async function run(plan: LegitPlan): Promise<void> {
  const requests = preparePushes(plan.secret, plan.users, Math.ceil(plan.rate * plan.seconds), 1, activityTemplates());
  const client = createHostileClient(plan.port);
  const results: LegitResult[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  process.send?.({ ready: true });
  for (let i = 0; i < requests.length && !stop; i++) {
    const due = started + (i * 1000) / plan.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = requests[i]!;
    inFlight.push(
      client.send({ path: "/hooks/sandbox", body: request.body, headers: request.headers }).then((answer) => {
        results.push({
          latency: performance.now() - due,
          status: answer.status,
          phase: due >= attackFrom ? "attack" : "baseline",
          keys: request.keys,
          sinceAttack: due - attackFrom,
        });
      }),
    );
  }
  await Promise.all(inFlight);
  client.close();
  process.send?.({ results }, () => process.exit(0));
}
