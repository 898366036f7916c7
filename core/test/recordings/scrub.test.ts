import { describe, expect, it } from "vitest";
import { createScrubber, REDACTED } from "../../src/recordings/index.ts";

describe("createScrubber", () => {
  it("drops credential and per-run parameters from a query, keeps paging cursors, replaces learned values", () => {
    const scrubber = createScrubber();
    scrubber.learn("bearer-value-0123456789");
    const query = new URLSearchParams({
      access_token: "x", client_secret: "x", code: "x", code_verifier: "x", "hub.verify_token": "x", userAccessToken: "x", api_key: "x",
      client_id: "x", redirect_uri: "x", state: "x",
      next_token: "cursor-1", nextToken: "cursor-2", page: "2", note: "token bearer-value-0123456789 here",
    });
    expect(scrubber.query(query)).toEqual({ next_token: "cursor-1", nextToken: "cursor-2", page: "2", note: `token ${REDACTED} here` });
  });

  it("learns credentials from request headers: bearer, basic (its secret too), cookies, API keys", () => {
    const scrubber = createScrubber();
    scrubber.learnHeaders({
      authorization: "Basic " + Buffer.from("client-id-1:client-secret-1").toString("base64"),
      cookie: "session=cookie-value-123456; theme=dark",
      "x-api-key": "api-key-value-98765",
      accept: "application/json-not-a-secret",
    });
    const text = scrubber.text("client-secret-1 cookie-value-123456 api-key-value-98765 dark application/json-not-a-secret");
    expect(text).toBe(`${REDACTED} ${REDACTED} ${REDACTED} dark application/json-not-a-secret`);
  });

  it("replaces a secret in its URL- and form-encoded spellings, longest secret first, and never short values", () => {
    const scrubber = createScrubber({ secrets: ["a b+c/secret==", "short", "a b+c/secret==-longer"] });
    expect(scrubber.text("a b+c/secret==-longer | a%20b%2Bc%2Fsecret%3D%3D | a+b%2Bc%2Fsecret%3D%3D | short")).toBe(`${REDACTED} | ${REDACTED} | ${REDACTED} | short`);
  });

  it("redacts credential fields of answers (not error codes) and learns their values for later", () => {
    const scrubber = createScrubber();
    const answer = { access_token: "tok-1234567890", user: { refresh_token: "ref-1234567890", code: "invalid_grant_long_code" }, errors: [{ code: "invalid", field: "access_token" }], is_secret: true };
    scrubber.learnJson(answer);
    expect(scrubber.json(answer)).toEqual({ access_token: REDACTED, user: { refresh_token: REDACTED, code: "invalid_grant_long_code" }, errors: [{ code: "invalid", field: "access_token" }], is_secret: true });
    expect(scrubber.text("Access token expired: tok-1234567890.")).toBe(`Access token expired: ${REDACTED}.`);
  });

  it("drops credential and transport headers of answers and keeps the provider's own (and Date: when it answered)", () => {
    const scrubber = createScrubber();
    expect(scrubber.responseHeaders({ "Set-Cookie": "a=b", Date: "x", "Content-Length": "3", ":status": "200", "X-RateLimit-Usage": "1,2", Link: "<u>; rel=\"next\"", "Content-Type": "application/json" })).toEqual({
      date: "x",
      "x-ratelimit-usage": "1,2",
      link: '<u>; rel="next"',
      "content-type": "application/json",
    });
  });
});
