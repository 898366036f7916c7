import { formDecoded } from "../contracts/percent-decoding.ts";
import { safeEqual } from "../contracts/safe-equal.ts";
import type { MockClient } from "./parties.ts";

/** How clients must authenticate at the token endpoint: the provider's one way, or either (RFC 6749 §2.3.1). */
export type ClientAuthMode = "body" | "basic" | "either";

export type ClientAuthResult =
  | { ok: true; client: MockClient; method: "basic" | "body" | "none" }
  | { ok: false; error: "invalid_client" | "invalid_request"; description: string; basicTried: boolean };

/** `Authorization: Basic …` → id and secret, each form-urlencoded before base64 (RFC 6749 §2.3.1). */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: formDecoded(decoded.slice(0, colon)), secret: formDecoded(decoded.slice(colon + 1)) };
}

const sameSecret = safeEqual;

/**
 * Authenticates the client of a token or revoke request. A confidential client proves its secret the
 * provider's way; a public client (no secret registered) names itself with `client_id` in the body.
 */
export function authenticateClient(
  clients: readonly MockClient[],
  mode: ClientAuthMode,
  authorization: string | undefined,
  params: Record<string, unknown>,
): ClientAuthResult {
  const basic = parseBasic(authorization);
  const bodyId = typeof params.client_id === "string" ? params.client_id : undefined;
  const bodySecret = typeof params.client_secret === "string" ? params.client_secret : undefined;
  const fail = (error: "invalid_client" | "invalid_request", description: string): ClientAuthResult => ({
    ok: false,
    error,
    description,
    basicTried: basic !== undefined,
  });

  if (basic && bodySecret !== undefined) return fail("invalid_request", "the client authenticated twice (HTTP basic and client_secret in the body)");
  if (basic) {
    if (mode === "body") return fail("invalid_client", "this provider wants client_id and client_secret in the request body, not HTTP basic");
    if (bodyId !== undefined && bodyId !== basic.id) return fail("invalid_request", "client_id in the body differs from the HTTP basic user");
    const client = clients.find((c) => c.id === basic.id);
    if (!client || client.secret === undefined || !sameSecret(client.secret, basic.secret))
      return fail("invalid_client", "unknown client or wrong client secret");
    return { ok: true, client, method: "basic" };
  }
  if (bodyId === undefined) return fail("invalid_client", "no client authentication (client_id missing)");
  const client = clients.find((c) => c.id === bodyId);
  if (!client) return fail("invalid_client", "unknown client");
  if (client.secret === undefined) return { ok: true, client, method: "none" };
  if (bodySecret === undefined)
    return fail("invalid_client", mode === "body" ? "client_secret missing" : "client secret missing (send HTTP basic or client_secret)");
  if (mode === "basic") return fail("invalid_client", "this provider wants HTTP basic client authentication, not client_secret in the body");
  if (!sameSecret(client.secret, bodySecret)) return fail("invalid_client", "unknown client or wrong client secret");
  return { ok: true, client, method: "body" };
}
