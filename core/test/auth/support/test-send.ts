import type { RequestSpec } from "@tributary/schemas";
import type { Credentials } from "../../../src/auth/credentials.ts";
import type { ProviderAnswer, SendContext, SendProviderRequest } from "../../../src/auth/send-provider-request.ts";
import { compileTemplate } from "../../../src/spec/template.ts";

export interface RecordedSend {
  request: RequestSpec;
  context: SendContext;
  status?: number;
}

/**
 * What the provider client does for auth, reduced to the tests' needs: templates from the context and
 * the credentials' variables, credentials applied, one refresh-and-retry on 401.
 */
export function createTestSend(baseUrl: () => string, sent: RecordedSend[] = []): SendProviderRequest & { sent: RecordedSend[] } {
  const send = async (request: RequestSpec, credentials: Credentials, context: SendContext): Promise<ProviderAnswer> => {
    const record: RecordedSend = { request, context };
    sent.push(record);
    const attempt = async (): Promise<ProviderAnswer> => {
      const variables = { ...context.variables, ...(await credentials.variables()) };
      const scope = (name: string) => variables[name as keyof typeof variables] ?? undefined;
      const url = new URL(compileTemplate(request.path).render(scope, encodeURIComponent), `${baseUrl()}/`);
      for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, compileTemplate(value).render(scope));
      const headers: Record<string, string> = {};
      if ((request.auth ?? "user") === "user") await credentials.apply({ headers, url });
      let body: string | undefined;
      if (request.body !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(request.body, (_key, value: unknown) => (typeof value === "string" ? compileTemplate(value).render(scope) : value));
      }
      const response = await fetch(url, { method: request.method ?? "GET", headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the text it is
      }
      return { status: response.status, headers: Object.fromEntries(response.headers), body: parsed };
    };
    let answer = await attempt();
    if (answer.status === 401 && (await credentials.refresh())) answer = await attempt();
    record.status = answer.status;
    return answer;
  };
  return Object.assign(send, { sent });
}
