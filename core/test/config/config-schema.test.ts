import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA, type TributaryConfig } from "../../src/config/config-schema.ts";
import { EVENT_TYPES } from "@tributary/schemas";
import { parseConfig } from "../../src/config/load-config.ts";
import { stringify } from "yaml";

// The TypeScript shape is written by hand next to the schema; these type-level checks (run by tsc) fail
// when a field is added to one and not the other.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const props = CONFIG_SCHEMA.properties;
const inStep: [
  Equal<keyof typeof props, keyof TributaryConfig>,
  Equal<keyof typeof props.server.properties, keyof TributaryConfig["server"]>,
  Equal<keyof typeof props.api.properties, keyof NonNullable<TributaryConfig["api"]>>,
  Equal<keyof typeof props.developers.items.properties, keyof TributaryConfig["developers"][number]>,
  Equal<keyof typeof props.server.properties.limits.properties, keyof TributaryConfig["server"]["limits"]>,
  Equal<keyof typeof props.providers.additionalProperties.properties, keyof TributaryConfig["providers"][string]>,
  Equal<keyof typeof props.delivery.properties, keyof TributaryConfig["delivery"]>,
  Equal<keyof typeof props.destinations.items.properties, keyof TributaryConfig["destinations"][number]>,
] = [true, true, true, true, true, true, true, true];

describe("config schema", () => {
  it("is a draft 2020-12 schema with an $id", () => {
    expect(inStep).toEqual([true, true, true, true, true, true, true, true]);
    expect(CONFIG_SCHEMA.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(CONFIG_SCHEMA.$id).toMatch(/^https:\/\//);
  });

  it("describes every field", () => {
    const undescribed: string[] = [];
    const visit = (schema: Record<string, unknown>, path: string) => {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, child] of Object.entries(properties)) {
        if (typeof child.description !== "string") undescribed.push(`${path}.${name}`);
        visit(child, `${path}.${name}`);
      }
      for (const key of ["items", "additionalProperties"] as const) {
        if (schema[key] && typeof schema[key] === "object") visit(schema[key] as Record<string, unknown>, `${path}[]`);
      }
    };
    visit(CONFIG_SCHEMA, "config");
    expect(undescribed).toEqual([]);
  });

  it("accepts a config that sets every field the TypeScript shape has", () => {
    const full: TributaryConfig = {
      server: {
        host: "0.0.0.0",
        port: 8080,
        publicUrl: "https://tributary.example.com",
        trustProxy: ["10.0.0.0/8"],
        admin: { host: "127.0.0.1", port: 9464 },
        limits: { hookBodyBytes: 1024, notificationsPerRequest: 10, requestTimeoutSeconds: 5, headersTimeoutSeconds: 2 },
        rateLimit: { max: 50, perSeconds: 1, maxRejected: 5, maxBytes: 4096 },
      },
      redis: { url: "redis://cache:6379", startupTimeoutSeconds: 60 },
      database: { url: "postgres://db/tributary" },
      dataDir: "/var/lib/tributary",
      encryptionKey: Buffer.alloc(32, 3).toString("base64"),
      api: { devId: "dev", apiKeys: ["an-api-key-of-16+"], signingSecret: "signing-secret", providers: ["STRAVA"] },
      developers: [{ devId: "other", apiKeys: [`sha256:${"ab".repeat(32)}`], signingSecret: "other-secret", providers: ["STRAVA"], destinations: ["d"] }],
      plugins: ["@tributary/destination-webhook"],
      providers: {
        STRAVA: {
          enabled: true,
          clientId: "1",
          clientSecret: "s",
          webhookSecret: "w",
          verifyToken: "v",
          pushSecret: "p",
          baseUrl: "http://127.0.0.1:4010",
          backfillDays: 7,
          pollIntervalSeconds: 600,
          rateLimit: { max: 100, perSeconds: 900 },
          staleAfterDays: 2,
          keepRecordPartsDays: 40,
          options: { anything: true },
        },
      },
      delivery: {
        attempts: 3,
        backoffSeconds: 5,
        maxBackoffSeconds: 60,
        largeRequestDays: 14,
        chunkSize: 5,
        maxPayloadRecords: 50,
        maxPayloadBytes: 65536,
        keepAuditDays: 0,
      },
      destinations: [
        { name: "d", type: "webhook", enabled: false, events: [...EVENT_TYPES], format: "fit", rateLimit: { max: 10, perSeconds: 1 }, options: { url: "x" } },
      ],
    };
    expect(parseConfig(stringify(full), { env: {} })).toEqual(full);
  });
});
