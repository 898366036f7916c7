import type { ProviderClient } from "../provider-http/provider-client.ts";
import type { TemplateVariables } from "../provider-http/template-scope.ts";
import type { SendProviderRequest } from "./send-provider-request.ts";

/**
 * Auth's provider requests (the provider user id request, lifecycle, revoke) sent through a connector's
 * provider client: the connection's known variables over `extra`, the credentials applied by the client.
 */
export function sendThroughClient(client: ProviderClient, extra: TemplateVariables = {}): SendProviderRequest {
  return async (request, credentials, context) => {
    const known = Object.entries(context.variables).filter((entry): entry is [string, string] => entry[1] !== null);
    const answer = await client.session({ credentials, variables: { ...extra, ...Object.fromEntries(known) } }).send(request);
    return { status: answer.status, headers: { ...answer.headers }, body: answer.body === undefined ? answer.raw.toString("utf8") : answer.body };
  };
}
