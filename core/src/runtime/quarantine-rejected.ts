import type { DataType } from "@tributary/schemas";
import type { Logger } from "../log/logger.ts";
import type { Connection } from "../state/index.ts";
import type { Rejected } from "./normalize.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { providerSecretPolicy } from "./secret-policy.ts";

/**
 * Records that failed validation are kept with their raw provider payload and the issues — never
 * dropped, never delivered — for whoever fixes the connector's mapping; secrets in them are stored
 * scrubbed (the store applies the provider's policy).
 */
export async function quarantineRejected(
  ctx: Pick<RuntimeContext, "store" | "metrics" | "registry" | "providers">,
  input: { user: Connection; dataType: DataType; rejected: readonly Rejected[]; traceId: string; log: Logger },
): Promise<void> {
  const { user, dataType, rejected } = input;
  const secrets = providerSecretPolicy(ctx, user.provider);
  for (const one of rejected) {
    await ctx.store.quarantineRecord({
      userId: user.user_id,
      provider: user.provider,
      dataType,
      record: one.record,
      raw: one.raw,
      issues: one.issues,
      traceId: input.traceId,
      secrets,
    });
  }
  if (rejected.length > 0) {
    ctx.metrics.quarantined.inc({ provider: user.provider, data_type: dataType }, rejected.length);
    input.log.warn({ quarantined: rejected.length }, "records failed validation and were quarantined");
  }
}
