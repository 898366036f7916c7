import type { FastifyReply, FastifyRequest } from "fastify";
import { matchesAnyKey } from "../developers/api-key.ts";

/**
 * Guards the admin routes with the API keys of the operator's own account (the default developer,
 * `api:`), given as their digests: the `x-api-key` header (scripts, curl), or HTTP basic auth with a key
 * as the password (any user name) so a browser can open the queue dashboard — the dashboard's own
 * requests cannot add a header, but the browser resends basic credentials. Other developers' keys never
 * open the admin routes; with no default developer nothing does.
 */
export function apiKeyGuard(keyDigests: readonly Buffer[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const given = presentedKey(request);
    if (given !== undefined && keyDigests.length > 0 && matchesAnyKey(given, keyDigests)) return;
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
