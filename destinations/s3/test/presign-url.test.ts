import { describe, expect, it } from "vitest";
import { objectUrl } from "../src/object-url.ts";
import { encodeKeyPath, presignGetUrl } from "../src/presign-url.ts";

describe("presignGetUrl", () => {
  it("reproduces AWS's published query-string signing example", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html ("An Example")
    const url = presignGetUrl({
      url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
      region: "us-east-1",
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      expiresIn: 86400,
      now: new Date("2013-05-24T00:00:00Z"),
    });
    expect(url).toBe(
      "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z" +
        "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    );
  });

  it("signs session tokens, ports and keys that need escaping like the AWS SDK's signer", () => {
    // Expected signature computed with @smithy/signature-v4 (the SDK's signer) for the same input.
    const url = presignGetUrl({
      url: new URL(`http://127.0.0.1:4566/bucket/${encodeKeyPath("prefix/payloads/u-1/activity-abc:chunk:1 +x~(1)!'*.json")}`),
      region: "eu-west-2",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret/with+chars", sessionToken: "tok/en+==" },
      expiresIn: 600,
      now: new Date("2026-11-21T10:11:12Z"),
    });
    expect(url.startsWith("http://127.0.0.1:4566/bucket/prefix/payloads/u-1/activity-abc%3Achunk%3A1%20%2Bx~%281%29%21%27%2A.json?")).toBe(true);
    expect(new URL(url).searchParams.get("X-Amz-Security-Token")).toBe("tok/en+==");
    expect(new URL(url).searchParams.get("X-Amz-Signature")).toBe("1178a6934f7758064e6b4682d008a137fea47aaf7c174e2d5f1e5fb54c6025ff");
  });
});

describe("objectUrl", () => {
  const key = "2022-03-16/daily/u-2026-11-01.json";
  it("puts the bucket in the AWS hostname by default", () => {
    expect(objectUrl({ bucket: "exports", region: "eu-west-1" }, key).href).toBe(`https://exports.s3.eu-west-1.amazonaws.com/${key}`);
  });
  it("uses the path for dotted buckets and forcePathStyle", () => {
    expect(objectUrl({ bucket: "my.exports", region: "eu-west-1" }, key).href).toBe(`https://s3.eu-west-1.amazonaws.com/my.exports/${key}`);
    expect(objectUrl({ bucket: "b", region: "x", endpoint: "http://minio:9000/", forcePathStyle: true }, key).href).toBe(`http://minio:9000/b/${key}`);
  });
  it("keeps a custom endpoint's scheme, port and base path", () => {
    expect(objectUrl({ bucket: "b", region: "auto", endpoint: "https://acct.r2.example.com:8443/base" }, key).href).toBe(
      `https://b.acct.r2.example.com:8443/base/${key}`,
    );
  });
});
