import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { Connection } from "../state/index.ts";
import type { DeveloperScope, ServiceContext } from "./service-context.ts";

/** Whether the connection belongs to the scope's developer (one without a developer is the default developer's). */
export function belongsTo(ctx: Pick<ServiceContext, "defaultDeveloper">, connection: Connection, scope: DeveloperScope | undefined): boolean {
  if (!scope) return true;
  return (connection.developer_id ?? ctx.defaultDeveloper) === scope.developerId;
}

/**
 * The connection, if it exists and the scope may see it. Another developer's user is answered exactly
 * like an unknown one, so its existence is not given away.
 */
export async function findConnection(
  ctx: Pick<ServiceContext, "store" | "defaultDeveloper">,
  userId: string,
  scope?: DeveloperScope,
): Promise<Connection | undefined> {
  const connection = await ctx.store.getConnection(userId);
  return connection && belongsTo(ctx, connection, scope) ? connection : undefined;
}

export async function requireConnection(ctx: Pick<ServiceContext, "store" | "defaultDeveloper">, userId: string, scope?: DeveloperScope): Promise<Connection> {
  const connection = await findConnection(ctx, userId, scope);
  if (!connection) throw connectionNotFound(userId);
  return connection;
}

export function connectionNotFound(userId: string): UserError {
  return new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No user ${userId}`, {
    hint: "Check the user_id (connect prints it; userInfo lists a reference_id's users).",
  });
}
