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

  it("empties secret-named lists, finds a secret pair after a space (an error's stack line), and cuts a value that contains itself", () => {
    expect(
      redactSecrets({
        "set-cookie": ["session=c-123456", 7, { nested: "kept" }],
        credentials: "user:pass",
        encryptionKey: "k-123456",
        stack: "Error: refresh_token=r-123456 was refused",
      }).value,
    ).toEqual({
      "set-cookie": ["[redacted]", "[redacted]", { nested: "kept" }],
      credentials: "[redacted]",
      encryptionKey: "[redacted]",
      stack: "Error: refresh_token=[redacted] was refused",
    });
    const loop: Record<string, unknown> = { name: "loop", list: [] };
    (loop.list as unknown[]).push(loop);
    loop.self = loop;
    const shared = { token: "t-123456" };
    expect(redactSecrets({ loop, a: shared, b: shared }).value).toEqual({
      loop: { name: "loop", list: ["[Circular]"], self: "[Circular]" },
      a: { token: "[redacted]" },
      b: { token: "[redacted]" },
    });
  });

  it("walks what options.shape turns a non-JSON value into, and returns the shaped copy even with no secret in it", () => {
    const shape = (value: object) => (value instanceof URL ? value.href : value instanceof Map ? Object.fromEntries(value) : value);
    const withSecret = { url: new URL("https://x.example/?token=u-123456"), headers: new Map([["authorization", "Basic dXNlcjpwYXNz"]]) };
    expect(redactSecrets(withSecret, {}, { shape })).toEqual({
      value: { url: "https://x.example/?token=[redacted]", headers: { authorization: "[redacted]" } },
      changed: true,
    });
    expect(redactSecrets({ url: new URL("https://x.example/a") }, {}, { shape })).toEqual({ value: { url: "https://x.example/a" }, changed: false });
    // Without a shape, what is not JSON stays as it is.
    const date = new Date(0);
    expect(redactSecrets({ date }).value.date).toBe(date);
  });
});
