import type { FastifyReply, FastifyRequest } from "fastify";
import { safeEqualText } from "./safe-equal.ts";

/**
 * Guards the admin routes with the API keys of the config: the `x-api-key` header (scripts, curl), or
 * HTTP basic auth with a key as the password (any user name) so a browser can open the queue dashboard —
 * the dashboard's own requests cannot add a header, but the browser resends basic credentials. With no
 * key configured the guard lets everything through.
 */
export function apiKeyGuard(apiKeys: readonly string[]) {
  const keys = apiKeys.filter((key) => key.length > 0);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (keys.length === 0) return;
    const given = presentedKey(request);
    // Compare against every key (no early exit) so the time taken does not say which one nearly matched.
    let ok = false;
    for (const key of keys) ok = (given !== undefined && safeEqualText(given, key)) || ok;
    if (ok) return;
    await reply
      .code(401)
      .header("www-authenticate", 'Basic realm="Tributary admin", charset="UTF-8"')
      .send({ status: "error", message: "an API key is required: x-api-key header, or basic auth with the key as password" });
  };
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers["x-api-key"];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (apiKey) return apiKey;
  const authorization = request.headers.authorization;
  if (!authorization?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
