import type { RequestSpec } from "@tributary/schemas";
import { isTributaryError } from "../errors/tributary-error.ts";
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
 * retries what is worth retrying. It may resolve with an answer of any status, or reject with typed
 * errors — ERR_AUTH_REVOKED, transient, rate limited, or a failed request whose `details.status` is
 * the provider's status (as the provider client does for what its response table calls a failure):
 * auth reads a status either way.
 */
export type SendProviderRequest = (request: RequestSpec, credentials: Credentials, context: SendContext) => Promise<ProviderAnswer>;

export function isSuccess(answer: ProviderAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** The provider's HTTP status a failed send reports in its error's details, if it does. */
export function failedStatus(error: unknown): number | undefined {
  const status = isTributaryError(error) ? error.details?.status : undefined;
  return typeof status === "number" ? status : undefined;
}
