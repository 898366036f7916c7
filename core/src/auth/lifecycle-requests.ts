import type { RequestSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { errorClassOf, operatorMessage, TransientError } from "../errors/tributary-error.ts";
import type { Credentials } from "./credentials.ts";
import { isSuccess, type SendContext, type SendProviderRequest } from "./send-provider-request.ts";

/** How one disconnect-side request went: these are best effort, the user is disconnected regardless. */
export interface ProviderCallResult {
  request: string;
  ok: boolean;
  status?: number;
  error?: string;
}

/**
 * The spec's connect requests (register the user, subscribe to pushes), in order. A 409 means the
 * thing exists already (a reconnect) and counts as done; any other failure fails the connect, since a
 * connection the provider does not know about would never get data.
 */
export async function runConnectRequests(requests: readonly RequestSpec[] | undefined, send: SendProviderRequest, credentials: Credentials, context: SendContext): Promise<void> {
  for (const request of requests ?? []) {
    const answer = await send(request, credentials, context);
    if (isSuccess(answer) || answer.status === 409) continue;
    throw new TransientError(ErrorCodes.PROVIDER_REQUEST_FAILED, `${context.provider} connect request ${describeRequest(request)} answered ${answer.status}`, {
      hint: "The connection was not created; the user can try again. If it persists, check the connector's auth.lifecycle.connect.",
      details: { provider: context.provider, status: answer.status },
    });
  }
}

/**
 * Runs every request, whatever the others did, and reports each. `goneStatuses` answer that what the
 * request would remove is gone already (a deregistered user: 404; a revoked token: 401).
 */
export async function runBestEffort(
  requests: readonly RequestSpec[],
  send: SendProviderRequest,
  credentials: Credentials,
  context: SendContext,
  goneStatuses: readonly number[],
): Promise<ProviderCallResult[]> {
  const results: ProviderCallResult[] = [];
  for (const request of requests) {
    try {
      const answer = await send(request, credentials, context);
      results.push({ request: describeRequest(request), ok: isSuccess(answer) || goneStatuses.includes(answer.status), status: answer.status });
    } catch (error) {
      results.push({ request: describeRequest(request), ok: false, error: `${errorClassOf(error)}: ${operatorMessage(error)}` });
    }
  }
  return results;
}

export function describeRequest(request: RequestSpec): string {
  return `${request.method ?? "GET"} ${request.path}`;
}
