import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { TributaryError, UserError } from "../errors/index.ts";
import { encryptionKeyId, parseEncryptionKey } from "./encryption-key.ts";
import { StateErrorCodes } from "./error-codes.ts";

export interface TokenCipherOptions {
  /** 32 bytes as base64 or hex (or raw bytes); used for all new ciphertexts. */
  key: string | Uint8Array;
  /** Retired keys, still accepted for decryption during a rotation. */
  previousKeys?: readonly (string | Uint8Array)[];
}

/**
 * AES-256-GCM for secrets at rest. `aad` binds a ciphertext to the row it belongs to: decrypting with
 * any other `aad` fails, so a blob copied into another row is useless.
 */
export interface TokenCipher {
  /** Fingerprint of the current key, as embedded in ciphertexts. */
  readonly keyId: string;
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
  encryptJson(value: unknown, aad: string): string;
  decryptJson<T = unknown>(ciphertext: string, aad: string): T;
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

export function createTokenCipher(options: TokenCipherOptions): TokenCipher {
  const current = parseEncryptionKey(options.key);
  const keyId = encryptionKeyId(current);
  const keys = new Map<string, Buffer>([[keyId, current]]);
  for (const [index, previous] of (options.previousKeys ?? []).entries()) {
    const bytes = parseEncryptionKey(previous, `previous encryption key #${index + 1}`);
    const id = encryptionKeyId(bytes);
    if (!keys.has(id)) keys.set(id, bytes);
  }

  const encrypt = (plaintext: string, aad: string): string => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, keyId, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")].join(".");
  };

  const decrypt = (ciphertext: string, aad: string): string => {
    const parts = ciphertext.split(".");
    const [version, id, ivText, tagText, bodyText] = parts;
    if (parts.length !== 5 || version !== VERSION || id === undefined || [ivText, tagText, bodyText].some((part) => part === undefined || !B64URL.test(part))) {
      throw new TributaryError(StateErrorCodes.CIPHERTEXT_MALFORMED, "stored secret is not a v1 ciphertext", "unexpected");
    }
    const key = keys.get(id);
    if (key === undefined) {
      throw new UserError(
        StateErrorCodes.DECRYPT_UNKNOWN_KEY,
        `stored secret was encrypted with key ${id}, which is not configured (current key is ${keyId})`,
        { hint: "the encryption key changed: set the old key again, or list it in previousKeys while rotating" },
      );
    }
    const iv = Buffer.from(ivText ?? "", "base64url");
    const tag = Buffer.from(tagText ?? "", "base64url");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new TributaryError(StateErrorCodes.CIPHERTEXT_MALFORMED, "stored secret has a bad IV or tag length", "unexpected");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(tag);
      const body = Buffer.from(bodyText ?? "", "base64url");
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new UserError(StateErrorCodes.DECRYPT_FAILED, "stored secret failed authentication: it was altered, or it belongs to another row", {
        cause: error,
        hint: "the connection must be re-authorised; check the database for tampering",
      });
    }
  };

  return {
    keyId,
    encrypt,
    decrypt,
    encryptJson: (value, aad) => encrypt(JSON.stringify(value), aad),
    decryptJson: <T>(ciphertext: string, aad: string): T => JSON.parse(decrypt(ciphertext, aad)) as T,
  };
}
