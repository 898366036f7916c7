import type { HookConnection } from "../spec/hooks.ts";

/**
 * `$connection` in a spec's expressions — a mapping's, a stream's `filter`, a detail's `when`: the
 * connection the records are read or mapped for, the same values wherever an expression runs.
 */
export function connectionBinding(connection: HookConnection): Readonly<Record<string, unknown>> {
  return {
    user_id: connection.userId,
    provider: connection.provider,
    ...(connection.providerUserId != null ? { provider_user_id: connection.providerUserId } : {}),
    ...(connection.referenceId != null ? { reference_id: connection.referenceId } : {}),
  };
}
