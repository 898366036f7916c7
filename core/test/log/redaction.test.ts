import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { TransientError } from "../../src/errors/tributary-error.ts";
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

/** A request as HTTP clients attach it to their errors: a class instance, not a plain object. */
class ClientRequest {
  readonly method = "GET";
  readonly url: URL;
  readonly headers: Record<string, string>;
  constructor(url: string, authorization: string) {
    this.url = new URL(url);
    this.headers = { Authorization: authorization, accept: "application/json" };
  }
}

describe("log redaction of errors", () => {
  const lineOf = (text: string) => JSON.parse(text.trim().split("\n").at(-1)!) as Record<string, any>;

  it("scrubs what pino's err serializer writes: message and stack with their causes, own fields, a request with an Authorization header or a token in its URL", () => {
    const { log, text } = capture();
    const root = Object.assign(new Error("refresh refused: POST https://auth.example/token?client_secret=probe-E1 (Bearer probe-E2E2E2E2)"), {
      token: "probe-E3",
    });
    const middle = new TypeError("fetch failed for https://api.example/v1/sleep?access_token=probe-E4", { cause: root });
    const failure = Object.assign(new TransientError("ERR_PROVIDER_UNAVAILABLE", "provider answered 503", { cause: middle, hint: "retried" }), {
      request: new ClientRequest("https://api.example/v1/sleep?start=1&token=probe-E5", "Bearer probe-E6E6E6E6"),
      config: { headers: { authorization: "Basic cHJvYmUtRTc6cHJvYmUtRTc=" }, params: { api_key: "probe-E8" } },
      response: { status: 503, headers: { "set-cookie": ["session=probe-E9"] } },
    });
    log.error({ provider: "STRAVA", err: failure }, "pull failed");
    const out = text();
    for (let i = 1; i <= 9; i++) expect(out).not.toContain(`probe-E${i}`);
    expect(out).not.toContain("cHJvYmUtRTc6cHJvYmUtRTc=");
    const { err } = lineOf(out);
    // What the serializer gives stays readable: type, code, message and stack with the causes, the request.
    expect(err).toMatchObject({ type: "TransientError", code: "ERR_PROVIDER_UNAVAILABLE", hint: "retried", response: { status: 503 } });
    expect(err.message).toContain("provider answered 503: fetch failed for https://api.example/v1/sleep?access_token=[redacted]");
    expect(err.message).toContain("refresh refused: POST https://auth.example/token?client_secret=[redacted] (Bearer [redacted])");
    expect(err.stack).toContain("caused by: TypeError: fetch failed");
    expect(err.request).toMatchObject({ method: "GET", url: "https://api.example/v1/sleep?start=1&token=[redacted]", headers: { accept: "application/json" } });
  });

  it("scrubs an error logged alone (its message is the line's), under another name, or deep inside a field", () => {
    const { log, text } = capture();
    log.error(new Error("GET https://x.example/?access_token=probe-F1 failed"));
    expect(lineOf(text()).msg).toBe("GET https://x.example/?access_token=[redacted] failed");
    log.error({ err: new Error("Bearer probe-F2F2F2F2 refused") });
    expect(lineOf(text()).msg).toBe("Bearer [redacted] refused");
    log.warn({ error: new Error("refresh_token=probe-F3"), job: { failure: Object.assign(new Error("x"), { password: "probe-F4" }) } }, "nested");
    log.warn(new AggregateError([new Error("code_verifier=probe-F5")], "several"), "aggregate");
    log.info("message text with a URL https://x.example/?token=probe-F6");
    const out = text();
    for (let i = 1; i <= 6; i++) expect(out).not.toContain(`probe-F${i}`);
    const nested = JSON.parse(out.trim().split("\n")[2]!) as Record<string, any>;
    expect(nested.error).toMatchObject({ type: "Error", message: "refresh_token=[redacted]" });
  });

  it("scrubs a child logger's bindings, and survives an error that refers to itself", () => {
    const { log, text } = capture();
    const circular = Object.assign(new Error("loop"), { self: undefined as unknown, url: "https://x.example/?token=probe-G1" });
    circular.self = circular;
    log.child({ provider: "GARMIN", secret: "probe-G2", callbackURL: "https://x.example/?token=probe-G3" }).warn({ err: circular }, "child");
    const out = text();
    for (let i = 1; i <= 3; i++) expect(out).not.toContain(`probe-G${i}`);
    expect(lineOf(out)).toMatchObject({ provider: "GARMIN", err: { message: "loop" } });
  });
});
