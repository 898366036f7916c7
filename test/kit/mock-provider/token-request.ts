import type { MockProvider } from "@tributary/core/mock-provider";

export interface MockTokenAnswer {
  status: number;
  /** The answer as sent (inside Withings' envelope when the spec has one). */
  answer: Record<string, unknown>;
  /** The token fields, from the envelope's root when the spec declares one. */
  tokens: Record<string, unknown> | undefined;
}

/**
 * A token request to a spec-built mock as the spec says a client makes it: the declared client
 * authentication (basic or body), encoding (form or JSON) and extra parameters, and the answer read
 * from the declared envelope.
 */
export async function mockTokenRequest(
  mock: MockProvider,
  grant: Record<string, string>,
  { client, url }: { client: { id: string; secret: string }; url?: string | undefined },
): Promise<MockTokenAnswer> {
  const auth = mock.spec.auth;
  if (auth.type !== "oauth2" && auth.type !== "oauth2_password") throw new Error(`${mock.spec.name} has no token endpoint (auth ${auth.type})`);
  const fields: Record<string, string> = { ...grant, ...(auth.tokenParams ?? {}) };
  const headers: Record<string, string> = {};
  if ((auth.clientAuth ?? "body") === "basic") headers.authorization = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`;
  else Object.assign(fields, { client_id: client.id, client_secret: client.secret });
  const json = auth.tokenBody === "json";
  const response = await fetch(url ?? (mock.urls().tokenUrl as string), {
    method: "POST",
    headers: { ...headers, "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  const root = auth.tokenResponse?.root;
  const tokens = (root ? answer[root.slice(1)] : answer) as Record<string, unknown> | undefined;
  return { status: response.status, answer, tokens };
}
