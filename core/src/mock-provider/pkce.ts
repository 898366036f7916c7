import { createHash } from "node:crypto";

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256Challenge = (verifier: string): string => createHash("sha256").update(verifier, "ascii").digest("base64url");

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
export const isValidVerifier = (verifier: string): boolean => /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier);
