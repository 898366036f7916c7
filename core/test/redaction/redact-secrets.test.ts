import { describe, expect, it } from "vitest";
import { containsRedaction, isSecretName, redactSecrets, scrubSecrets, scrubString } from "../../src/redaction/index.ts";

describe("the scrubbing policy of stored and logged provider traffic", () => {
  it("knows secret names in every spelling, and leaves ordinary ones", () => {
    for (const name of [
      "access_token",
      "refreshToken",
      "userAccessToken",
      "webhook_token",
      "client-secret",
      "Authorization",
      "X-Oura-Signature",
      "password",
      "api_key",
      "sig",
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ["userId", "summaryId", "callbackURL", "token_type", "signed_at", "key", "expires_in"]) expect(isSecretName(name), name).toBe(false);
    expect(isSecretName("hook_key", new Set(["hookkey"]))).toBe(true);
  });

  it("replaces secret-named fields and URL parameters inside any string, and says whether it changed anything", () => {
    const ping = {
      userId: "u1",
      userAccessToken: "uat-123456",
      callbackURL: "https://apis.example/rest/x?uploadStartTimeInSeconds=1&token=ping-123456&b=2",
      empty_token: "",
      count_token: 7,
      list: [{ signature: "abc" }, "see https://x.example/cb?access_token=zzz#frag"],
      when: new Date(0),
    };
    const { value, changed } = redactSecrets(ping);
    expect(changed).toBe(true);
    expect(value).toEqual({
      userId: "u1",
      userAccessToken: "[redacted]",
      callbackURL: "https://apis.example/rest/x?uploadStartTimeInSeconds=1&token=[redacted]&b=2",
      empty_token: "",
      count_token: "[redacted]",
      list: [{ signature: "[redacted]" }, "see https://x.example/cb?access_token=[redacted]#frag"],
      when: new Date(0),
    });
    expect(ping.userAccessToken).toBe("uat-123456");
    const clean = { userId: "u1", steps: [1, 2] };
    expect(redactSecrets(clean)).toEqual({ value: clean, changed: false });
    expect(redactSecrets(redactSecrets(ping).value).changed).toBe(false);
    expect(containsRedaction(value)).toBe(true);
    expect(containsRedaction(clean)).toBe(false);
  });

  it("replaces a policy's names and known values, in their URL and form spellings", () => {
    const known = "s3cret/with+plus";
    const text = `a=${encodeURIComponent(known)} b=${new URLSearchParams({ v: known }).toString().slice(2)} c=${known}`;
    expect(redactSecrets({ hook_key: "k-123456", note: text }, { names: ["hook_key"], values: [known] }).value).toEqual({
      hook_key: "[redacted]",
      note: "a=[redacted] b=[redacted] c=[redacted]",
    });
    expect(scrubString("Authorization: Bearer eyJhbGciOi.abc and Basic dXNlcjpwYXNz")).toBe("Authorization: Bearer [redacted] and Basic [redacted]");
    // Short values would shred ordinary words: skipped unless the caller allows them.
    expect(scrubSecrets("pw1 in pw12", ["pw1"])).toBe("pw1 in pw12");
    expect(scrubSecrets("pass in text", ["pass"], 4)).toBe("[redacted] in text");
  });
});
