import { payloadTargets, storePayload, type EmitContext, type EmitOptions, type StoredPayload } from "./emit-payload.ts";
import { lifecyclePayload, type TerraUserObject } from "./envelope.ts";

/** A large request about to announce what it counted. */
export interface LargeRequestAnnouncement {
  userId: string;
  user: TerraUserObject;
  reference: string | undefined;
  dataType: string;
  /** The announcement's emit options (its trace id, ordering timestamp, developer, priority). */
  options: EmitOptions;
}

/**
 * How many messages under the request's reference one destination will get of the payloads a large request
 * counted: those of a type it receives, each as many as it makes of such a payload (a webhook posting FIT
 * files makes one per activity). 0 for a destination that takes none of them.
 */
export function expectedPayloadsAt(ctx: Pick<EmitContext, "destinations">, destination: string, counted: readonly StoredPayload[]): number {
  const made = ctx.destinations.get(destination)?.destination;
  let expected = 0;
  for (const payload of counted) {
    if (!payload.targets.some((target) => target.name === destination && target.subscribed)) continue;
    expected += made?.referencedMessages?.(payload.type, payload.records) ?? 1;
  }
  return expected;
}

/**
 * Stores `large_request_sending` for each destination that receives it, stating what that destination will
 * get (`expectedPayloadsAt`): one body per distinct count, all under the announcement's trace id (each
 * destination gets one announcement; a receiver dedupes by its own). A destination that does not take the
 * announcement gets none, and nothing it receives is counted for it. The first body is stored under the
 * trace id itself — what `endFailedLargeRequest` looks for to know the request announced — and is kept
 * until its deliveries are audited; the others under `<trace id>:<count>`.
 */
export async function storeLargeRequestAnnouncements(
  ctx: EmitContext,
  request: LargeRequestAnnouncement,
  counted: readonly StoredPayload[],
): Promise<StoredPayload[]> {
  const byCount = new Map<number, StoredPayload["targets"]>();
  for (const target of payloadTargets(ctx, "large_request_sending", request.options)) {
    if (!target.subscribed) continue;
    const expected = expectedPayloadsAt(ctx, target.name, counted);
    byCount.set(expected, [...(byCount.get(expected) ?? []), target]);
  }
  const stored: StoredPayload[] = [];
  for (const [expected, targets] of byCount) {
    const payload = lifecyclePayload("large_request_sending", {
      user: request.user,
      reference: request.reference,
      expected_payloads: expected,
      message: `Large request: sending ${expected} payloads of ${request.dataType} data`,
    });
    const bodyId = stored.length === 0 ? request.options.traceId : `${request.options.traceId}:${expected}`;
    stored.push(
      await storePayload(ctx, { type: payload.type, userId: request.userId, body: JSON.stringify(payload) }, { ...request.options, bodyId }, targets),
    );
  }
  return stored;
}
