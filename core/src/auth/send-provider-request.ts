import type { RequestSpec } from "@tributary/schemas";
import type { Credentials } from "./credentials.ts";

/** A provider's answer, whatever its status, as the provider client hands it back. */
export interface ProviderAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else its text (empty string for no body). */
  body: unknown;
}

export interface SendContext {
  provider: string;
  /** Template variables of the connection: `user_id`, `reference_id`, `provider_user_id` (null when not known yet). */
  variables: Record<string, string | null>;
}

/**
 * How auth makes provider API calls (the provider user id request, lifecycle connect/disconnect, revoke):
 * through the provider client, which renders the RequestSpec's templates (adding the credentials'
 * `variables()`), applies the credentials as the spec's `auth` says, keeps to the rate budget and
 * retries what is worth retrying. It resolves with the answer for any status it does not itself turn
 * into an error, and may reject with typed errors (ERR_AUTH_REVOKED, transient, rate limited).
 */
export type SendProviderRequest = (request: RequestSpec, credentials: Credentials, context: SendContext) => Promise<ProviderAnswer>;

export function isSuccess(answer: ProviderAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}
