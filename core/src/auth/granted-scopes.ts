import type { GrantedScopesSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import { readPointer } from "../spec/pointer.ts";
import type { Credentials } from "./credentials.ts";
import { isSuccess, type SendContext, type SendProviderRequest } from "./send-provider-request.ts";
import { scopeList } from "./stored-tokens.ts";

export interface GrantedScopesInput {
  provider: string;
  credentials: Credentials;
  send: SendProviderRequest;
  /** With the provider user id known: the request may name the account. */
  context: SendContext;
  log: Logger;
}

/** What the granted-scopes request told: the scopes, or why they could not be read. */
export type GrantedScopes = { ok: true; scopes: string[] } | { ok: false; reason: string };

/**
 * The scopes the user granted, as the provider says them after connecting (`auth.grantedScopes`):
 * Garmin's consent names none — the member ticks what to share — so its token answer cannot say them,
 * and a later permission change would otherwise be compared with nothing. Undefined when the spec
 * declares no such request; never rejects: a failure is a reason, for the caller to tell.
 */
export async function readGrantedScopes(spec: GrantedScopesSpec | undefined, input: Omit<GrantedScopesInput, "log">): Promise<GrantedScopes | undefined> {
  if (spec === undefined) return undefined;
  let answer: Awaited<ReturnType<SendProviderRequest>>;
  try {
    answer = await input.send(spec.request, input.credentials, input.context);
  } catch (error) {
    return { ok: false, reason: isTributaryError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error) };
  }
  if (!isSuccess(answer)) return { ok: false, reason: `the request answered ${answer.status}` };
  const scopes = scopesAt(readPointer(answer.body, spec.path));
  return scopes === undefined ? { ok: false, reason: `the answer has no list of scopes at ${JSON.stringify(spec.path)}` } : { ok: true, scopes };
}

/**
 * The granted scopes at connect: undefined when the spec declares no request or reading them fails —
 * the connection is made all the same, with the token answer's scopes, and the failure is logged
 * (ERR_AUTH_SCOPES_UNREAD) for the operator.
 */
export async function grantedScopesOf(spec: GrantedScopesSpec | undefined, input: GrantedScopesInput): Promise<string[] | undefined> {
  const granted = await readGrantedScopes(spec, input);
  if (granted === undefined || granted.ok) return granted?.scopes;
  input.log.warn(
    { provider: input.provider, userId: input.context.variables.user_id, path: spec?.request.path, code: ErrorCodes.AUTH_SCOPES_UNREAD },
    `${input.provider} granted scopes not read (${granted.reason}): the connection keeps the token answer's scopes. Check auth.grantedScopes in the connector spec against what the provider answers.`,
  );
  return undefined;
}

/** A list of strings as it is (empty: the user shares nothing), or one string separated by spaces or commas. */
function scopesAt(value: unknown): string[] | undefined {
  if (typeof value === "string") return scopeList(value) ?? [];
  if (!Array.isArray(value) || !value.every((scope): scope is string => typeof scope === "string")) return undefined;
  return [...new Set(value.map((scope) => scope.trim()).filter((scope) => scope !== ""))];
}
