import { randomUUID } from "node:crypto";
import { PAYLOAD_VERSION } from "@tributary/schemas";
import { effectiveSync } from "../connectors/connector-sync.ts";
import { Priority } from "../queue/topology.ts";
import { lastDays } from "../runtime/date-range.ts";
import { emitPayload } from "../runtime/emit-payload.ts";
import { lifecyclePayload, type TerraUserObject } from "../runtime/envelope.ts";
import { toTerraUser } from "../runtime/terra-user.ts";
import type { Connection } from "../state/index.ts";
import { enqueueBackfill } from "./connect-user.ts";
import type { ServiceContext } from "./service-context.ts";

export interface AnnouncedConnection {
  user: TerraUserObject;
  backfillJobs: string[];
}

/**
 * What follows every new connection, however it was made: the `auth` event to the developer's
 * destinations, `user_reauth` (old and new user, as Terra sends it) when it replaced a connection of the
 * same provider account, and the backfill of the provider's last N days.
 */
export async function announceConnection(
  ctx: ServiceContext,
  input: { connection: Connection; replaced?: Connection | null; widgetSessionId?: string | null },
): Promise<AnnouncedConnection> {
  const { connection } = input;
  const user = toTerraUser(connection);
  const traceId = randomUUID();
  const emit = { priority: Priority.live, developer: connection.developer_id };
  await emitPayload(
    ctx,
    lifecyclePayload("auth", {
      status: "success",
      user,
      reference_id: user.reference_id,
      message: "User has successfully authenticated",
      // Terra's auth events carry the payload version like its data events do.
      version: PAYLOAD_VERSION,
      ...(input.widgetSessionId ? { widget_session_id: input.widgetSessionId } : {}),
    }),
    { traceId, ...emit },
  );
  if (input.replaced) {
    await emitPayload(
      ctx,
      lifecyclePayload("user_reauth", {
        status: "warning",
        message: "User has reauthenticated and old ID has been deleted",
        version: PAYLOAD_VERSION,
        new_user: user,
        old_user: toTerraUser(input.replaced),
      }),
      { traceId: randomUUID(), ...emit },
    );
  }
  const connector = ctx.registry.connector(connection.provider);
  const days = effectiveSync(connector, ctx.providers[connection.provider]).backfillDays;
  const backfillJobs = await enqueueBackfill(ctx, user.user_id, connection.provider, lastDays(days), traceId);
  return { user, backfillJobs };
}

/**
 * Terra's auth error event (`auth_cancelled`): the user declined, cancelled, or the flow failed. It
 * carries no user (none was made), only why and the developer's reference id.
 */
export async function announceAuthFailure(
  ctx: ServiceContext,
  input: { developerId: string | null; reason: string; referenceId: string | null; flowId?: string | null },
): Promise<void> {
  await emitPayload(
    ctx,
    lifecyclePayload("auth_cancelled", {
      status: "error",
      reason: input.reason,
      reference_id: input.referenceId,
      flow_id: input.flowId ?? null,
    }),
    { traceId: randomUUID(), priority: Priority.live, developer: input.developerId ?? ctx.defaultDeveloper ?? null },
  );
}
