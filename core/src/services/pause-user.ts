import { randomUUID } from "node:crypto";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { Connection } from "../state/index.ts";
import { enqueueBackfill } from "./connect-user.ts";
import { connectionNotFound, requireConnection } from "./owned-connection.ts";
import type { DeveloperScope, ServiceContext } from "./service-context.ts";

/**
 * Stop a user's data without disconnecting it: nothing is pulled or accepted from its provider and no
 * payload of its data is delivered (one already queued is withheld) until it is resumed. Its connection,
 * tokens and provider grant stay as they are. Pausing a paused user changes nothing.
 */
export async function pauseUser(ctx: Pick<ServiceContext, "store" | "defaultDeveloper">, userId: string, scope?: DeveloperScope): Promise<Connection> {
  const connection = await requireConnection(ctx, userId, scope);
  if (!connection.active) throw inactive(userId);
  const paused = await ctx.store.pause(connection.user_id);
  if (!paused) throw connectionNotFound(userId);
  return paused;
}

export interface ResumeResult {
  connection: Connection;
  /** What the pause held back, pulled again: the window and its pull jobs (none when it was not paused). */
  catchUp?: { start: string; end: string; jobs: string[] };
}

/**
 * Let a paused user's data flow again, and pull what the pause held back — every data type from when the
 * pause began until now, behind live work — so the destinations end up with no gap.
 */
export async function resumeUser(ctx: ServiceContext, userId: string, scope?: DeveloperScope): Promise<ResumeResult> {
  const connection = await requireConnection(ctx, userId, scope);
  if (!connection.active) throw inactive(userId);
  const resumed = await ctx.store.resume(connection.user_id);
  if (!resumed) throw connectionNotFound(userId);
  if (resumed.pausedAt === null) return { connection: resumed.connection };
  const range = { start: new Date(resumed.pausedAt), end: new Date() };
  const jobs = await enqueueBackfill(ctx, connection.user_id, connection.provider, range, randomUUID());
  return { connection: resumed.connection, catchUp: { start: range.start.toISOString(), end: range.end.toISOString(), jobs } };
}

function inactive(userId: string): UserError {
  return new UserError(ErrorCodes.CONNECTION_INACTIVE, `User ${userId} is no longer connected`, { hint: "Only a connected user can be paused or resumed." });
}
