import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.ts";
import { redactConfig } from "../../src/config/redact-config.ts";
import { fakeDestination, registryWith } from "./helpers.ts";

describe("redactConfig", () => {
  it("replaces every secret and masks passwords in URLs, leaving the rest readable", () => {
    const registry = registryWith(fakeDestination("fake-sink"));
    const key = Buffer.alloc(32, 1).toString("hex");
    const config = parseConfig(
      `api:
  apiKeys: [first-api-key-0123, second-api-key-456]
  signingSecret: sign-me-please
encryptionKey: "${key}"
redis: { url: "redis://:redis-pass@cache:6379" }
database: { url: "postgres://app:db-pass@db:5432/t" }
providers:
  STRAVA: { clientId: "123", clientSecret: strava-secret, verifyToken: verify-me, webhookSecret: "" }
destinations:
  - { name: a, type: fake-sink, options: { url: https://x.example, token: tok-123456 } }
`,
      { env: {}, registry },
    );

    const redacted = redactConfig(config, registry);

    expect(redacted.api).toEqual({ devId: "tributary", apiKeys: ["[redacted]", "[redacted]"], signingSecret: "[redacted]" });
    expect(redacted.encryptionKey).toBe("[redacted]");
    expect(redacted.redis.url).toBe("redis://:[redacted]@cache:6379");
    expect(redacted.database.url).toBe("postgres://app:[redacted]@db:5432/t");
    expect(redacted.providers.STRAVA).toEqual({
      enabled: true,
      clientId: "123",
      clientSecret: "[redacted]",
      verifyToken: "[redacted]",
      webhookSecret: "",
    });
    expect(redacted.destinations[0]?.options).toEqual({
      url: "https://x.example",
      token: "[redacted]",
      retries: 3,
      signingSecret: "[redacted]",
    });
    // The original is untouched.
    expect(config.api!.signingSecret).toBe("sign-me-please");
  });
});
