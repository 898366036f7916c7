import { randomBytes } from "node:crypto";
import webhookPlugin from "@tributary/destination-webhook";
import { payloadRecords, payloadUserId } from "@tributary/core/contracts";
import { startLocalReceiver, type LocalReceiver, type ReceivedPayload } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";

export interface Pipeline {
  harness: RuntimeHarness;
  receiver: LocalReceiver;
  ctx: RuntimeHarness["runtime"]["ctx"];
  close(): Promise<void>;
}

/**
 * A runtime on the real Redis whose only destination is the signed webhook, posting to a local receiver
 * that verifies every signature and validates every payload against the Terra schemas.
 */
export async function startPipeline(options: Omit<Parameters<typeof startTestRuntime>[0], "destinations"> = {}): Promise<Pipeline> {
  const signingSecret = randomBytes(16).toString("hex");
  const receiver = await startLocalReceiver({ signingSecret });
  const webhook = webhookPlugin.create({ url: receiver.url, signingSecret }, { name: "receiver", log: silentLogger(), lookup: () => undefined });
  const harness = await startTestRuntime({ ...options, destinations: { receiver: webhook } });
  return {
    harness,
    receiver,
    ctx: harness.runtime.ctx,
    async close() {
      await harness.close();
      await receiver.close();
    },
  };
}

/** What the receiver got about one user (optionally one payload type). */
export function receivedFor(receiver: LocalReceiver, userId: string, type?: string): ReceivedPayload[] {
  return receiver.received.filter((r) => payloadUserId(r.payload) === userId && (type === undefined || r.payload.type === type));
}

/** Natural keys of every record in these payloads, in arrival order (duplicates kept). */
export function naturalKeys(received: ReceivedPayload[]): string[] {
  return received.flatMap((r) => payloadRecords(r.payload).map(({ key }) => `${key.type}/${key.key}`));
}

export const DAY_MS = 86_400_000;

/**
 * The UTC date `days` before today. A window the runtime pulls is cut to the provider's history counted
 * from now (SANDBOX keeps 730 days): a fixed fixture date would age out of it and the test fail later.
 */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
}

/** `days` whole UTC days from `startDate`. */
export function utcDays(startDate: string, days: number) {
  const start = new Date(`${startDate}T00:00:00Z`);
  return { start, end: new Date(start.getTime() + days * DAY_MS) };
}
