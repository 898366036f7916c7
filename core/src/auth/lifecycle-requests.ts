import type { RequestSpec } from "@tributary/schemas";
import { errorClassOf, operatorMessage } from "../errors/tributary-error.ts";
import { connectStepFailed } from "./auth-errors.ts";
import type { Credentials } from "./credentials.ts";
import { failedStatus, isSuccess, type SendContext, type SendProviderRequest } from "./send-provider-request.ts";

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
export async function runConnectRequests(
  requests: readonly RequestSpec[] | undefined,
  send: SendProviderRequest,
  credentials: Credentials,
  context: SendContext,
): Promise<void> {
  for (const request of requests ?? []) {
    let answer;
    try {
      answer = await send(request, credentials, context);
    } catch (error) {
      if (failedStatus(error) === 409) continue;
      throw error;
    }
    if (isSuccess(answer) || answer.status === 409) continue;
    throw connectStepFailed(context.provider, `connect request ${describeRequest(request)}`, answer.status);
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
      const status = failedStatus(error);
      if (status !== undefined && goneStatuses.includes(status)) results.push({ request: describeRequest(request), ok: true, status });
      else
        results.push({
          request: describeRequest(request),
          ok: false,
          ...(status === undefined ? {} : { status }),
          error: `${errorClassOf(error)}: ${operatorMessage(error)}`,
        });
    }
  }
  return results;
}

export function describeRequest(request: RequestSpec): string {
  return `${request.method ?? "GET"} ${request.path}`;
}
