import { randomUUID } from "node:crypto";
import { sandboxProviderRecords, signSandboxRequest } from "@tributary/connector-sandbox";
import type { ProviderRecord } from "@tributary/core/contracts";

/** One provider user per connection the benchmark creates. */
export interface BenchUser {
  providerUserId: string;
}

/** A template of native sandbox records, cloned with fresh ids so every pushed record is a new natural key. */
export function activityTemplates(): ProviderRecord[] {
  const range = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-10-20T00:00:00Z") };
  return [...sandboxProviderRecords("activity", { userId: "bench-template", range, withSamples: false })];
}

export interface PreparedRequest {
  body: Buffer;
  headers: Record<string, string>;
  /** Natural keys (summary ids) this request carries. */
  keys: string[];
}

/**
 * Signed push requests prepared before timing starts (signing is the provider's cost, not ours): each
 * carries `recordsPerRequest` activities of one user, every one with a new summary id.
 */
export function preparePushes(
  secret: string,
  users: readonly BenchUser[],
  count: number,
  recordsPerRequest: number,
  templates: readonly ProviderRecord[],
): PreparedRequest[] {
  const requests: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const user = users[i % users.length]!;
    const records = Array.from({ length: recordsPerRequest }, (_, k) => ({ ...templates[(i * recordsPerRequest + k) % templates.length], id: randomUUID() }));
    const signed = signSandboxRequest(secret, { notifications: [{ event: "activity.push", owner_id: user.providerUserId, records }] });
    requests.push({ body: signed.rawBody, headers: signed.headers, keys: records.map((r) => r.id as string) });
  }
  return requests;
}
