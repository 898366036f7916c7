import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: "info", destination }), text: () => lines.join("") };
}

describe("log redaction", () => {
  it("redacts secrets at the top level and one level down, in every spelling the code uses", () => {
    const { log, text } = capture();
    log.info(
      {
        access_token: "S1",
        refresh_token: "S2",
        password: "S3",
        code_verifier: "S4",
        tokens: { access_token: "S5" },
        provider: { clientSecret: "S6", client_secret: "S7", apiKey: "S8" },
        connection: { accessToken: "S9", refreshToken: "S10", codeVerifier: "S11" },
        headers: { authorization: "Bearer S12", "x-api-key": "S13" },
        userId: "kept",
      },
      "probe",
    );
    const out = text();
    for (let i = 1; i <= 13; i++) expect(out).not.toMatch(new RegExp(`"[^"]*\\bS${i}"`));
    expect(out).toContain('"userId":"kept"');
    expect(out).toContain("[redacted]");
  });

  it("scrubs provider traffic at any depth: secret-named fields, a URL's token parameter, bearer credentials", () => {
    const { log, text } = capture();
    const ping = {
      userAccessToken: "probe-T1",
      callbackURL: "https://apis.example/rest/sleeps?upload=1&token=probe-T2",
      nested: { deeper: { webhook_token: "probe-T3" } },
    };
    log.warn(
      { job: { data: { notifications: [{ notification: ping }] } }, err: "GET https://x.example/?access_token=probe-T4 failed (Bearer probe-T5T5T5T5)" },
      "probe",
    );
    const out = text();
    for (let i = 1; i <= 5; i++) expect(out).not.toContain(`probe-T${i}`);
    expect(out).toContain("upload=1&token=[redacted]");
    expect(out).toContain('"msg":"probe"');
  });
});
