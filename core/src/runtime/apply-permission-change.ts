import { PAYLOAD_VERSION } from "@tributary/schemas";
import { readPermissionChange, type PermissionsAction } from "../ingress/permission-change.ts";
import type { Logger } from "../log/logger.ts";
import { Priority, type IngestNotification } from "../queue/topology.ts";
import type { Connection } from "../state/index.ts";
import { emitPayload } from "./emit-payload.ts";
import { lifecyclePayload } from "./envelope.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { toTerraUser } from "./terra-user.ts";
import { deterministicTraceId } from "./trace-id.ts";

export type PermissionChangeResult =
  | { action: "permissions"; status: "changed"; added: string[]; removed: string[] }
  /** The scopes stored are these already (a repeated push), or a newer change is stored. */
  | { action: "permissions"; status: "unchanged" | "outdated" }
  | { action: "skipped"; reason: string };

/**
 * The provider says what the user shares now (`permissions`): the connection's scopes become those, and
 * when they differ from the scopes stored (compared as sets), the developer's destinations receive
 * Terra's `permission_change` — `scopes_added`, `scopes_removed` (comma-separated, possibly empty) and
 * the user with its new scopes, which later payloads carry too. Like Terra's, the event is information:
 * what the user stopped sharing, the provider stops sending.
 *
 * The scopes are replaced and the event emitted in one transaction that holds the connection's row: a
 * failed emit leaves the old scopes, so the retried job sees the same change; a retry after the commit
 * finds the change stored and sends nothing again (the trace id, from the notification, would make a
 * second emit of a job BullMQ still knows a no-op anyway). A change older than the one stored is not
 * applied, so pushes arriving out of order cannot bring back scopes the user took away.
 */
export async function applyPermissionChange(
  ctx: RuntimeContext,
  data: IngestNotification,
  action: PermissionsAction,
  user: Connection,
  log: Logger,
): Promise<PermissionChangeResult> {
  const change = readPermissionChange(action, data.notification, data.receivedAt);
  if ("reason" in change) {
    // The ingress refuses these; one queued under an earlier spec is dropped the same way.
    log.warn({ reason: change.reason }, "permission change that cannot be read; skipped");
    return { action: "skipped", reason: change.reason };
  }
  return ctx.store.transaction(async (tx): Promise<PermissionChangeResult> => {
    const replaced = await tx.replaceScopes(user.user_id, change.scopes, new Date(change.changedAt));
    if (!replaced) return { action: "permissions", status: "outdated" };
    const before = splitScopes(replaced.previous);
    const added = change.scopes.filter((scope) => !before.includes(scope));
    const removed = before.filter((scope) => !change.scopes.includes(scope));
    if (added.length === 0 && removed.length === 0) return { action: "permissions", status: "unchanged" };
    const payload = lifecyclePayload("permission_change", {
      status: "warning",
      message: "User permissions have been modified",
      version: PAYLOAD_VERSION,
      scopes_added: added.join(","),
      scopes_removed: removed.join(","),
      user: toTerraUser(replaced.connection),
    });
    await emitPayload(ctx, payload, {
      traceId: deterministicTraceId(user.user_id, "permission_change", data.id),
      priority: Priority.live,
      developer: user.developer_id,
    });
    log.info({ added, removed }, "the user changed what they share: scopes stored, permission_change sent");
    return { action: "permissions", status: "changed", added, removed };
  });
}

/** Terra's comma-separated scopes as a list; providers' space-separated ones were joined with commas when stored. */
function splitScopes(scopes: string | null): string[] {
  return (scopes ?? "").split(",").filter((scope) => scope !== "");
}
