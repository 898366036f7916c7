import type { RecordDeliveryInput, StateStore } from "../state/index.ts";
import { onePer } from "../util/one-per.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

type Outcome = { ok: true } | { ok: false; error: unknown };

const recorder = onePer((store: StateStore) =>
  createTickBatcher<RecordDeliveryInput, Outcome>(async (inputs) => {
    try {
      await store.recordDeliveries(inputs);
      return inputs.map(() => ({ ok: true }));
    } catch {
      return Promise.all(
        inputs.map((one) =>
          store.recordDelivery(one).then(
            (): Outcome => ({ ok: true }),
            (error: unknown): Outcome => ({ ok: false, error }),
          ),
        ),
      );
    }
  }),
);

/**
 * Record a delivery outcome in the audit trail. Deliveries finishing in the same event-loop turn share one
 * multi-row upsert; each caller still waits for its row to be written. Should the batch fail, each row is
 * retried alone so one bad row cannot fail its neighbours' jobs.
 */
export async function recordDeliveryOutcome(store: StateStore, input: RecordDeliveryInput): Promise<void> {
  const outcome = await recorder(store)(input);
  if (!outcome.ok) throw outcome.error;
}
