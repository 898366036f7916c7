import type { HandshakeSpec } from "@tributary/schemas";
import { safeEqual as safeEqualText } from "../contracts/safe-equal.ts";
import { singleQuery, type WebhookRequest } from "./webhook-request.ts";

export type HandshakeAnswer =
  | { outcome: "answered"; status: 200; json: Record<string, string> }
  | { outcome: "answered"; status: 200; text: string }
  | { outcome: "answered"; status: 200 | 204 }
  /** Fitbit's wrong code: 404 is the answer it wants, not an error. */
  | { outcome: "refused"; status: 403 | 404; message: string }
  | { outcome: "bad_request"; status: 400 | 404; message: string }
  | { outcome: "unavailable"; status: 503; message: string };

/** Challenges are short random strings; an echo is not a way to make us serve arbitrary content. */
export const MAX_CHALLENGE_LENGTH = 512;

/**
 * The answer to a provider's check of the callback URL, as the webhook's handshakes declare: a GET
 * challenge echoed as JSON or bare text (Strava `hub.challenge` after its `hub.verify_token`, Oura
 * `challenge` after its `verification_token`), Fitbit's `verify` code (204 for ours, 404 for any
 * other), Withings' HEAD probe (200). A GET whose parameters match no handshake is 400; a method no
 * handshake uses is 404.
 */
export function answerHandshake(
  handshakes: readonly HandshakeSpec[],
  request: Pick<WebhookRequest, "query"> & { method: string },
  verifyToken: string | undefined,
): HandshakeAnswer {
  if (request.method === "HEAD") {
    return handshakes.some((h) => h.type === "head")
      ? { outcome: "answered", status: 200 }
      : { outcome: "bad_request", status: 404, message: "no HEAD handshake" };
  }
  const gets = handshakes.filter((h): h is Exclude<HandshakeSpec, { type: "head" }> => h.type !== "head");
  if (gets.length === 0) return { outcome: "bad_request", status: 404, message: "no subscription handshake" };
  const query = request.query;
  const handshake = gets.find((h) => singleQuery(query, h.param) !== undefined);
  if (!handshake) return { outcome: "bad_request", status: 400, message: `missing ${gets.map((h) => h.param).join(" or ")}` };
  const value = singleQuery(query, handshake.param)!;
  const needsToken = handshake.type === "verify_code" || handshake.verifyTokenParam !== undefined;
  if (needsToken && verifyToken === undefined) return { outcome: "unavailable", status: 503, message: "verify token not configured" };

  if (handshake.type === "verify_code") {
    return safeEqualText(value, verifyToken!)
      ? { outcome: "answered", status: 204 }
      : { outcome: "refused", status: 404, message: "verification code does not match" };
  }
  if (value === "" || value.length > MAX_CHALLENGE_LENGTH) return { outcome: "bad_request", status: 400, message: `${handshake.param} is empty or too long` };
  if (handshake.verifyTokenParam !== undefined) {
    const given = singleQuery(query, handshake.verifyTokenParam);
    if (given === undefined || !safeEqualText(given, verifyToken!)) return { outcome: "refused", status: 403, message: "verify token does not match" };
  }
  return handshake.respond === "json"
    ? { outcome: "answered", status: 200, json: { [handshake.param]: value } }
    : { outcome: "answered", status: 200, text: value };
}
