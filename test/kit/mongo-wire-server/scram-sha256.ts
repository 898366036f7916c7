import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { CommandError } from "./command-error.ts";

/** What a server keeps per user for SCRAM (RFC 5802/7677): never the password itself. */
export interface ScramCredentials {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** A conversation between saslStart and its saslContinue. */
export interface ScramConversation {
  user: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

// mongod's default scramSHA256IterationCount; drivers refuse fewer than 4096.
const ITERATIONS = 15_000;

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text, "utf8").digest();
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();

/** Mongod reports every authentication failure the same way, so a client cannot probe for user names. */
export const authenticationFailed = () => new CommandError(18, "AuthenticationFailed", "Authentication failed.");

/** Derive the stored SCRAM-SHA-256 keys. Passwords are used as UTF-8 without SASLprep (test passwords are ASCII). */
export function scramCredentials(password: string): ScramCredentials {
  const salt = randomBytes(28);
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
  return { salt, iterations: ITERATIONS, storedKey: sha256(hmac(salted, "Client Key")), serverKey: hmac(salted, "Server Key") };
}

const decodeSaslName = (name: string) => name.replace(/=2C/g, ",").replace(/=3D/g, "=");

/** Parse `n,,n=<user>,r=<client nonce>`: the user named, and the server-first reply to send. */
export function startConversation(clientFirst: string, lookup: (user: string) => ScramCredentials | undefined): ScramConversation {
  const match = /^[ny],(?:a=[^,]*)?,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(clientFirst);
  if (!match) throw new CommandError(17, "ProtocolError", "Invalid SCRAM client-first message");
  const [, clientFirstBare, rawUser, clientNonce] = match as unknown as [string, string, string, string];
  const user = decodeSaslName(rawUser);
  const credentials = lookup(user);
  if (!credentials) throw authenticationFailed();
  const nonce = `${clientNonce}${randomBytes(24).toString("base64")}`;
  const serverFirst = `r=${nonce},s=${credentials.salt.toString("base64")},i=${credentials.iterations}`;
  return { user, clientFirstBare, serverFirst, nonce };
}

/**
 * Check the client's proof in `c=biws,r=<nonce>,p=<proof>` and return the server-final message
 * (`v=<server signature>`) the client verifies in turn; throws code 18 on a wrong password.
 */
export function finishConversation(conversation: ScramConversation, clientFinal: string, credentials: ScramCredentials): string {
  const match = /^(c=([^,]*),r=([^,]*)(?:,.*?)?),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
  if (!match) throw new CommandError(17, "ProtocolError", "Invalid SCRAM client-final message");
  const [, withoutProof, binding, nonce, proofBase64] = match as unknown as [string, string, string, string, string];
  // "biws" = base64("n,,"), "eSws" = base64("y,,"): no channel binding either way.
  if ((binding !== "biws" && binding !== "eSws") || nonce !== conversation.nonce) throw authenticationFailed();
  const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${withoutProof}`;
  const proof = Buffer.from(proofBase64, "base64");
  const signature = hmac(credentials.storedKey, authMessage);
  if (proof.length !== signature.length) throw authenticationFailed();
  const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
  if (!timingSafeEqual(sha256(clientKey), credentials.storedKey)) throw authenticationFailed();
  return `v=${hmac(credentials.serverKey, authMessage).toString("base64")}`;
}
