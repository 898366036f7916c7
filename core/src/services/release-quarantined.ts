import { DATA_TYPES, type DataType } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderRecord } from "../contracts/connector.ts";
import { Priority } from "../queue/topology.ts";
import { publishRecords } from "../runtime/publish-records.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";
import { connectionInfo } from "../runtime/terra-user.ts";
import { deterministicTraceId } from "../runtime/trace-id.ts";
import type { QuarantineIssue } from "../state/index.ts";

export type ReleaseOutcome =
  | { status: "released"; id: number; records: number; payloads: number }
  | { status: "still_invalid"; id: number; issues: QuarantineIssue[] }
  | { status: "not_found"; id: number }
  | { status: "already_resolved"; id: number; resolvedAt: string | null };

/**
 * After a fix (a connector's mapping, a schema), take a quarantined record's raw provider payload through
 * the connector's mapping and validation again. When it now passes it is delivered like any fresh record
 * and the entry is resolved; when it still fails the entry stays, and the issues say why. Nothing is
 * quarantined twice: a failed release writes nothing.
 */
export async function releaseQuarantined(ctx: RuntimeContext, id: number): Promise<ReleaseOutcome> {
  const entry = await ctx.store.getQuarantined(id);
  if (!entry) return { status: "not_found", id };
  if (entry.resolved_at !== null) return { status: "already_resolved", id, resolvedAt: entry.resolved_at };
  const dataType = entry.data_type as DataType | null;
  if (!entry.user_id || !entry.provider || !dataType || !(DATA_TYPES as readonly string[]).includes(dataType)) {
    throw new UserError(ErrorCodes.QUARANTINE_INVALID, `Quarantine entry ${id} names no user, provider or data type to deliver it as`, {
      hint: "Inspect it with tributary quarantine show, then purge it.",
    });
  }
  const user = await ctx.store.getConnection(entry.user_id);
  if (!user?.active) {
    throw new UserError(ErrorCodes.CONNECTION_INACTIVE, `User ${entry.user_id} of quarantine entry ${id} is not connected`, {
      hint: "Data of a disconnected user is not delivered; purge the entry, or connect the user again first.",
    });
  }
  const connector = ctx.registry.connector(entry.provider);
  if (!connector.dataTypes.includes(dataType)) {
    throw new UserError(ErrorCodes.DATA_TYPE_UNSUPPORTED, `${entry.provider} no longer provides ${dataType} data`, { hint: "Purge the entry." });
  }
  const log = ctx.log.child({ quarantine: id, userId: user.user_id });
  const options = ctx.providers[connector.name]?.options as Record<string, unknown> | undefined;
  const normalized = await connector.normalize(dataType, [entry.raw as ProviderRecord], { connection: connectionInfo(user), withSamples: true, options, log });
  const issues = normalized.rejected.flatMap((rejected) => rejected.issues);
  if (issues.length > 0) return { status: "still_invalid", id, issues };
  const seed = `quarantine:${id}`;
  const published = await publishRecords(ctx, {
    user,
    dataType,
    normalized,
    traceId: deterministicTraceId(seed),
    traceSeed: seed,
    priority: Priority.live,
    log,
  });
  if (!(await ctx.store.resolveQuarantine(id))) {
    const now = await ctx.store.getQuarantined(id);
    return { status: "already_resolved", id, resolvedAt: now?.resolved_at ?? null };
  }
  return { status: "released", id, records: published.records, payloads: published.payloads };
}
