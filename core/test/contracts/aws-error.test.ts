import { describe, expect, it } from "vitest";
import { awsError, TransientError, UserError, type AwsService } from "../../src/contracts/index.ts";

const lake: AwsService = {
  service: "S3",
  target: 'bucket "lake"',
  item: "an object",
  details: { bucket: "lake" },
  authCodes: ["AllAccessDisabled"],
  configCodes: ["NoSuchBucket"],
  configStatuses: [301, 404],
  rejectedCodes: ["EntityTooLarge"],
  hints: { auth: "auth hint", config: "config hint", rejected: "rejected hint", unavailable: "unavailable hint" },
};

/** An error as the AWS SDK v3 throws it. */
function sdkError(name: string, status: number | undefined, more: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: status === undefined ? {} : { httpStatusCode: status }, ...more });
}

describe("awsError", () => {
  it.each([
    ["a common credentials code", sdkError("SignatureDoesNotMatch", 400)],
    ["a code of the service's own", sdkError("AllAccessDisabled", 400)],
    ["a 403 without a code", sdkError("UnknownError", 403)],
  ])("refused credentials (%s): a user error with the auth hint", (_what, error) => {
    const classified = awsError(error, lake);
    expect(classified).toBeInstanceOf(UserError);
    expect(classified).toMatchObject({ code: "ERR_DESTINATION_AUTH", errorClass: "user", hint: "auth hint", cause: error });
    expect(classified.message).toMatch(/^S3 refused the credentials for bucket "lake"/);
  });

  it("a missing target, by code or by a status the service names: a config error with code and status in the details", () => {
    expect(awsError(sdkError("NoSuchBucket", 404), lake)).toMatchObject({
      code: "ERR_DESTINATION_CONFIG",
      details: { bucket: "lake", awsCode: "NoSuchBucket", status: 404 },
    });
    const headAnswer = awsError(sdkError("UnknownError", 301, { message: "UnknownError" }), lake);
    expect(headAnswer).toMatchObject({ code: "ERR_DESTINATION_CONFIG", errorClass: "user", details: { awsCode: "UnknownError", status: 301 } });
    expect(headAnswer.message).toBe('S3 bucket "lake" cannot be used (UnknownError)');
  });

  it.each([
    ["a 5xx", sdkError("InternalError", 500)],
    ["throttling, whatever its status", sdkError("ThrottlingException", 400)],
    ["S3's SlowDown", sdkError("SlowDown", 503)],
    ["a request timeout answered 400", sdkError("RequestTimeout", 400)],
    ["a retryable SDK error", sdkError("Whatever", undefined, { $retryable: {} })],
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })],
  ])("an outage (%s): transient", (_what, error) => {
    const classified = awsError(error, lake);
    expect(classified).toBeInstanceOf(TransientError);
    expect(classified).toMatchObject({ code: "ERR_DESTINATION_UNAVAILABLE", hint: "unavailable hint" });
    expect(classified.message).toMatch(/^S3 is unavailable for bucket "lake"/);
  });

  it.each([
    ["a code the service names", sdkError("EntityTooLarge", 400)],
    ["a client fault", sdkError("InvalidParameterValue", undefined, { $fault: "client" })],
    ["another 4xx", sdkError("InvalidDigest", 400)],
  ])("an item the service refuses (%s): rejected, not retried", (_what, error) => {
    const classified = awsError(error, lake);
    expect(classified).toMatchObject({ code: "ERR_DESTINATION_REJECTED", errorClass: "user", hint: "rejected hint" });
    expect(classified.message).toMatch(/^S3 rejected an object for bucket "lake" \(\w+\): \w+ happened$/);
  });

  it("passes a Tributary error through and returns what it does not recognize as it is", () => {
    const own = new UserError("ERR_DESTINATION_CONFIG", "already classified");
    expect(awsError(own, lake)).toBe(own);
    const bug = new TypeError("x is not a function");
    expect(awsError(bug, lake)).toBe(bug);
    expect(awsError("text", lake)).toEqual(new Error("text"));
  });
});
