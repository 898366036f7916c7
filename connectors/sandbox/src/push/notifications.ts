import type { DataType, DateRange, ProviderRecord } from "@tributary/core/contracts";

/** One notification of the sandbox provider's push body (see `webhook-spec.ts`). */
export type SandboxNotification =
  | { event: `${DataType}.ping`; owner_id: string; window: { start: string; end: string } }
  | { event: `${DataType}.push`; owner_id: string; records: ProviderRecord[] }
  | { event: "test"; owner_id: string };

/** The request body: always a batch. */
export interface SandboxPushBody {
  notifications: SandboxNotification[];
}

export function pingNotification(providerUserId: string, dataType: DataType, window: DateRange): SandboxNotification {
  return { event: `${dataType}.ping`, owner_id: providerUserId, window: { start: window.start.toISOString(), end: window.end.toISOString() } };
}

export function pushNotification(providerUserId: string, dataType: DataType, records: readonly ProviderRecord[]): SandboxNotification {
  return { event: `${dataType}.push`, owner_id: providerUserId, records: [...records] };
}
