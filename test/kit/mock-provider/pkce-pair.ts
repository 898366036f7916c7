import { randomBytes } from "node:crypto";
import { s256Challenge } from "@tributary/core/mock-provider";

/** A fresh PKCE verifier and its S256 challenge, as a client makes them. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: s256Challenge(verifier) };
}
