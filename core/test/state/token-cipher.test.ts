import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenCipher, parseEncryptionKey } from "../../src/state/index.ts";

describe("token cipher", () => {
  const key = randomBytes(32);

  it("accepts a key as base64, base64url, hex or bytes, with the same key id", () => {
    const ids = [key.toString("base64"), key.toString("base64url"), key.toString("hex"), ` ${key.toString("hex")}\n`, key].map(
      (k) => createTokenCipher({ key: k }).keyId,
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}$/);
  });

  it("rejects a bad key with a stable code, a fix, and without echoing the key", () => {
    for (const bad of ["", "short", randomBytes(16).toString("base64"), randomBytes(33).toString("hex"), "z".repeat(64)]) {
      let caught: unknown;
      try {
        createTokenCipher({ key: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: "ERR_CONFIG_ENCRYPTION_KEY", hint: expect.stringContaining("openssl rand -base64 32") });
      if (bad.length > 0) expect((caught as Error).message).not.toContain(bad);
    }
    expect(() => parseEncryptionKey(new Uint8Array(31))).toThrow(/32 random bytes/);
  });

  it("uses a fresh IV every time and binds the ciphertext to its AAD", () => {
    const cipher = createTokenCipher({ key });
    const a = cipher.encrypt("secret", "row-1");
    const b = cipher.encrypt("secret", "row-1");
    expect(a).not.toBe(b);
    expect(a.split(".")).toHaveLength(5);
    expect(a.startsWith(`v1.${cipher.keyId}.`)).toBe(true);
    expect(cipher.decrypt(a, "row-1")).toBe("secret");
    expect(() => cipher.decrypt(a, "row-2")).toThrow(expect.objectContaining({ code: "ERR_STATE_DECRYPT_FAILED" }));
  });

  it("tells an unknown key from tampering, and decrypts with previous keys", () => {
    const old = createTokenCipher({ key });
    const ciphertext = old.encryptJson({ access_token: "x" }, "aad");
    const next = createTokenCipher({ key: randomBytes(32) });
    expect(() => next.decrypt(ciphertext, "aad")).toThrow(expect.objectContaining({ code: "ERR_STATE_DECRYPT_UNKNOWN_KEY" }));
    const rotating = createTokenCipher({ key: randomBytes(32), previousKeys: [key.toString("base64")] });
    expect(rotating.decryptJson(ciphertext, "aad")).toEqual({ access_token: "x" });
    expect(rotating.keyId).not.toBe(old.keyId);

    const parts = ciphertext.split(".");
    parts[3] = Buffer.alloc(16).toString("base64url");
    expect(() => old.decrypt(parts.join("."), "aad")).toThrow(expect.objectContaining({ code: "ERR_STATE_DECRYPT_FAILED" }));
    parts[3] = "AAAA";
    expect(() => old.decrypt(parts.join("."), "aad")).toThrow(expect.objectContaining({ code: "ERR_STATE_CIPHERTEXT_MALFORMED" }));
    expect(() => old.decrypt(`v2${ciphertext.slice(2)}`, "aad")).toThrow(expect.objectContaining({ code: "ERR_STATE_CIPHERTEXT_MALFORMED" }));
  });
});
