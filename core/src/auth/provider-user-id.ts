import type { ProviderUserIdSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, UserError } from "../errors/tributary-error.ts";
import { readPointer } from "../spec/pointer.ts";
import { connectStepFailed } from "./auth-errors.ts";
import type { Credentials } from "./credentials.ts";
import { failedStatus, isSuccess, type SendContext, type SendProviderRequest } from "./send-provider-request.ts";

export interface ProviderUserIdInput {
  provider: string;
  /** The token response (its token fields, after any envelope), for `from: token`. */
  tokenResponse?: Record<string, unknown>;
  /** What the user typed, for `from: username`. */
  username?: string;
  credentials: Credentials;
  send: SendProviderRequest;
  context: SendContext;
}

/**
 * The provider's id of the connected account: it finds the connection for incoming pushes and keeps
 * one account from being connected twice. Null when the spec does not say where it is.
 * Rejects with ERR_AUTH_INVALID when the provider refuses the credentials (a pasted token that does not
 * work), ERR_AUTH_FLOW when the answer lacks the id.
 */
export async function providerUserIdOf(spec: ProviderUserIdSpec | undefined, input: ProviderUserIdInput): Promise<string | null> {
  if (spec === undefined) return null;
  switch (spec.from) {
    case "token":
      return idAt(input.provider, input.tokenResponse, spec.path, "token response");
    case "username":
      return normalizeUsername(input.username ?? "");
    case "request": {
      const answer = await input.send(spec.request, input.credentials, input.context).catch((error: unknown) => {
        const refused = isTributaryError(error) && (error.code === ErrorCodes.AUTH_REVOKED || error.code === ErrorCodes.AUTH_INVALID);
        if (refused || failedStatus(error) === 401 || failedStatus(error) === 403) throw credentialsRefused(input.provider, (error as Error).message);
        throw error;
      });
      if (answer.status === 401 || answer.status === 403) throw credentialsRefused(input.provider, `the account request answered ${answer.status}`);
      if (!isSuccess(answer)) throw connectStepFailed(input.provider, `account request (${spec.request.path})`, answer.status);
      return idAt(input.provider, answer.body, spec.path, `answer of ${spec.request.path}`);
    }
  }
}

/** Logins differ in case and stray spaces, accounts do not: one account, one provider user id. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function idAt(provider: string, document: unknown, path: string, where: string): string {
  const value = readPointer(document, path);
  if ((typeof value === "string" && value.trim() !== "") || (typeof value === "number" && Number.isFinite(value))) return String(value).trim();
  throw new UserError(ErrorCodes.AUTH_FLOW, `${provider} ${where} has no user id at ${JSON.stringify(path)}`, {
    hint: "Check auth.providerUserId.path in the connector spec against what the provider answers.",
    details: { provider, path },
  });
}

function credentialsRefused(provider: string, reason: string): UserError {
  return new UserError(ErrorCodes.AUTH_INVALID, `${provider} refused the credentials: ${reason}`, {
    hint: "The user should check the token or key they entered and try again.",
    details: { provider },
  });
}
