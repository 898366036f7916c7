import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { containsRedaction, isSecretName, redacted, redactSecrets, scrubSecrets, scrubString } from "../../src/redaction/index.ts";

/** A name's spellings across providers and languages: snake, camel, Pascal, kebab, header, upper, dotted. */
function spellings(words: readonly string[]): string[] {
  const cap = (word: string) => word[0]!.toUpperCase() + word.slice(1);
  return [
    words.join("_"),
    words[0] + words.slice(1).map(cap).join(""),
    words.map(cap).join(""),
    words.join("-"),
    words.map(cap).join("-"),
    words.join("_").toUpperCase(),
    `x-${words.join("-")}`,
    `auth.${words.join("_")}`,
  ];
}

/** Secret names of provider traffic, as words. */
const SECRET_WORDS = [
  ["access", "token"],
  ["refresh", "token"],
  ["id", "token"],
  ["user", "access", "token"],
  ["webhook", "token"],
  ["verify", "token"],
  ["client", "secret"],
  ["webhook", "secret"],
  ["signature", "secret", "key"],
  ["password"],
  ["new", "password"],
  ["api", "key"],
  ["code", "verifier"],
  ["authorization", "code"],
  ["authorization"],
  ["proxy", "authorization"],
  ["cookie"],
  ["set", "cookie"],
  ["signature"],
  ["hub", "signature", "256"],
  ["session", "id"],
  ["private", "key"],
  ["client", "assertion"],
] as const;

/** Places a secret travels in, each with an ordinary id beside it that must stay visible. */
const CARRIERS: Record<string, (name: string, secret: string) => unknown> = {
  field: (name, secret) => ({ id: "id-4711", [name]: secret }),
  "nested in arrays": (name, secret) => ({ id: "id-4711", pages: [[{ items: [{ [name]: secret }] }]] }),
  "URL query": (name, secret) => ({ url: `https://api.example/v2/x?id=id-4711&${encodeURIComponent(name)}=${encodeURIComponent(secret)}&page=2` }),
  "form body": (name, secret) => `grant_type=refresh_token&${encodeURIComponent(name)}=${encodeURIComponent(secret)}&id=id-4711`,
  "JSON in an error message": (name, secret) => ({
    error: `POST https://api.example/oauth answered 400: {"error":"invalid_grant","id":"id-4711","${name}":"${secret}"}`,
  }),
  "repr in an error message": (name, secret) => `ProviderError({'id': 'id-4711', '${name}': '${secret}'})`,
  "header line": (name, secret) => `GET /v2/x/id-4711\r\n${name}: ${secret}\r\nAccept: */*`,
  "message text": (name, secret) => `refused id-4711: invalid ${name}=${secret} (see docs)`,
};

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
    for (const name of [
      "userId",
      "summaryId",
      "callbackURL",
      "token_type",
      "signed_at",
      "key",
      "expires_in",
      "workout_token",
      "next_token",
      "nextToken",
      "code",
    ])
      expect(isSecretName(name), name).toBe(false);
    // OAuth's authorization code travels as `?code=`; a JSON field `code` is an error code.
    expect(isSecretName("code", undefined, "query")).toBe(true);
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

  it("redacts every secret name in every spelling and every place it travels, and keeps the id beside it", () => {
    let cases = 0;
    for (const words of SECRET_WORDS) {
      for (const name of spellings(words)) {
        // Letters, digits and base64's symbols, spaces too: a password may hold any of them.
        const secret = `S3c ${randomBytes(9).toString("base64")}/${cases}`;
        const plain = secret.replace(" ", "-");
        for (const [where, carry] of Object.entries(CARRIERS)) {
          // A space ends an unquoted word; quoted and URL-encoded spellings keep the whole secret.
          const value = where === "header line" || where === "message text" ? plain : secret;
          const text = JSON.stringify(redacted(carry(name, value)));
          const label = `${name} in ${where}: ${text}`;
          expect(text, label).not.toContain(plain.slice(4));
          expect(text, label).not.toContain(encodeURIComponent(value).slice(6));
          expect(text, label).toContain("[redacted]");
          expect(text, label).toContain("id-4711");
          cases += 1;
        }
      }
    }
    expect(cases).toBe(SECRET_WORDS.length * 8 * Object.keys(CARRIERS).length);
  });

  it("redacts secrets known by their shape wherever they sit: bearer credentials, JWTs, cookie headers, the OAuth code", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI0NzExIn0.c2lnbmF0dXJl";
    const jwe = "eyJhbGciOiJSU0EtT0FFUCJ9.ZW5j.aXY.Y2lwaGVy.dGFn";
    const cases: [string, string][] = [
      ["Bearer 9f8e7d6c5b4a39281706", "Bearer [redacted]"],
      ["bearer AbCdEfGhIjKlMnOp", "bearer [redacted]"],
      ["Basic dXNlcjpwYXNzd29yZA==", "Basic [redacted]"],
      ["OAuth oauth_token_ab12cd34", "OAuth [redacted]"],
      [`Access token expired: ${jwt}`, "Access token expired: [redacted]"],
      [`[${jwt}, ${jwe}]`, "[[redacted], [redacted]]"],
      ["Cookie: sid=4f2a9c; theme=dark", "Cookie: [redacted]"],
      ['{"Set-Cookie":"session=abc123; HttpOnly"}', '{"Set-Cookie":"[redacted]"}'],
      ["https://app.example/callback?code=AbC123xyz&state=4711", "https://app.example/callback?code=[redacted]&state=4711"],
      ["Error: access_token=abc123 refused", "Error: access_token=[redacted] refused"],
    ];
    for (const [text, expected] of cases) expect(scrubString(text), text).toBe(expected);
  });

  it("keeps ordinary ids, timestamps, names and prose visible, in fields and in provider error texts", () => {
    const kept = [
      // What operators act on: ids of every shape the connectors meet (UUIDs, Garmin summary ids, long hex, numbers).
      'GET https://api.ouraring.com/v2/usercollection/sleep answered 404: {"detail":"Document 0f8fad5b-d9cb-469f-a165-70867728950e not found"}',
      'answered 404: {"message":"Summary x3b1f2-5f6a3c40-15180-6 not found","summaryId":"x3b1f2-5f6a3c40-15180-6"}',
      'answered 404: {"error":"workout f3e7a1c0b9d84e2fa6c51d0e9b7a2c44 does not exist","code":"not_found"}',
      '{"errors":[{"resource":"Athlete","field":"access_token","code":"invalid"}],"message":"Authorization Error"}',
      '{"token_type":"Bearer","expires_in":21600,"scope":"read,activity:read_all"}',
      "Basic authentication failed for client 4711; OAuth application not found",
      "started 2024-03-10T08:15:00+01:00, updated 2024-03-10T09:00:00Z",
      '{"access_token": null, "refresh_token": ""}',
      "token: [redacted]",
    ];
    for (const text of kept) expect(scrubString(text), text).toBe(text);
    // Wahoo's workout_token is the application's own identifier of a workout; paging cursors name a page.
    const workout = { id: 1234567, workout_token: "ELEMNT 3B21:412", starts: "2024-03-10T08:15:00.000Z", name: "Morning ride" };
    const page = { data: [{ id: "0f8fad5b-d9cb-469f-a165-70867728950e" }], next_token: "eyJwYWdlIjoyfQ", nextToken: "MTcxMDA2NDAwMA" };
    const xert = { signature: { ftp: 281.3, ltp: 224.6 }, sig: { ftp: 281.3 } };
    for (const value of [workout, page, xert]) expect(redactSecrets(value)).toEqual({ value, changed: false });
    expect(scrubString("https://api.wahooligan.com/v1/workouts?workout_token=ELEMNT%203B21&page=2")).toBe(
      "https://api.wahooligan.com/v1/workouts?workout_token=ELEMNT%203B21&page=2",
    );
  });
});
