import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import { defaultConfig } from "../../src/config/default-config.ts";
import { loadConfig, loadConfigWithPlugins, resolveConfigPath } from "../../src/config/load-config.ts";
import { BUILTIN_PLUGINS } from "../../src/registry/builtin-plugins.ts";
import { assertSafeToListen } from "../../src/app/listen-safety.ts";
import { deliveryPolicyFrom } from "../../src/app/runtime-settings.ts";
import { fakeDestination, MINIMAL_API, registryWith, tempDir } from "./helpers.ts";

const EXAMPLE = fileURLToPath(new URL("../../../tributary.example.yaml", import.meta.url));

describe("loadConfig", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it("reads the path it is given, relative to the working directory", async () => {
    await dir.write("given.yaml", `${MINIMAL_API}dataDir: /from/argument\n`);
    await dir.write("tributary.yaml", `${MINIMAL_API}dataDir: /from/local/file\n`);
    const config = await loadConfig({ path: "given.yaml", cwd: dir.dir, env: { TRIBUTARY_CONFIG: "elsewhere.yaml" } });
    expect(config.dataDir).toBe("/from/argument");
  });

  it("falls back to $TRIBUTARY_CONFIG, then ./tributary.yaml, then the built-in demo", async () => {
    const fromEnv = await dir.write("env.yaml", `${MINIMAL_API}dataDir: /from/env\n`);
    expect((await loadConfig({ cwd: dir.dir, env: { TRIBUTARY_CONFIG: fromEnv } })).dataDir).toBe("/from/env");

    expect(resolveConfigPath({ cwd: dir.dir, env: {} })).toBeUndefined();
    const demo = await loadConfig({ cwd: dir.dir, env: {} });
    expect(demo).toEqual(defaultConfig({}));

    await dir.write("tributary.yaml", `${MINIMAL_API}dataDir: /from/local/file\n`);
    expect((await loadConfig({ cwd: dir.dir, env: {} })).dataDir).toBe("/from/local/file");
  });

  it("names the file in errors as the operator wrote it, and says when it is missing", async () => {
    const missing = await loadConfig({ path: "nope.yaml", cwd: dir.dir, env: {} }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).message).toBe("nope.yaml has 1 problem:\n  nope.yaml: cannot read the config file: the file does not exist");

    await dir.write("tributary.yaml", "server: {}\n");
    const invalid = await loadConfig({ cwd: dir.dir, env: {} }).catch((e: unknown) => e);
    expect((invalid as ConfigError).message).toContain("  tributary.yaml:1:1 api: is required");
  });

  it("fills in every default", async () => {
    await dir.write("tributary.yaml", MINIMAL_API);
    expect(await loadConfig({ cwd: dir.dir, env: {} })).toEqual({
      server: {
        host: "127.0.0.1",
        port: 3000,
        publicUrl: "http://localhost:3000",
        trustProxy: false,
        limits: { hookBodyBytes: 5 * 1024 * 1024, notificationsPerRequest: 1000, requestTimeoutSeconds: 30, headersTimeoutSeconds: 10 },
        rateLimit: { max: 1000, perSeconds: 10, maxRejected: 20, maxBytes: 64 * 1024 * 1024 },
      },
      redis: { url: "redis://127.0.0.1:6379", startupTimeoutSeconds: 60 },
      database: { url: "" },
      dataDir: ".tributary",
      encryptionKey: "",
      api: { devId: "tributary", apiKeys: ["0123456789abcdef"] },
      plugins: [...BUILTIN_PLUGINS],
      providers: {},
      developers: [],
      delivery: {
        attempts: 10,
        backoffSeconds: 180,
        maxBackoffSeconds: 28800,
        largeRequestDays: 28,
        chunkSize: 10,
        maxPayloadRecords: 100,
        maxPayloadBytes: 1048576,
        keepAuditDays: 30,
      },
      destinations: [],
    });
  });

  it("hands delivery.keepAuditDays to the runtime's policy, and refuses a negative one", async () => {
    await dir.write("tributary.yaml", `${MINIMAL_API}delivery: { keepAuditDays: 90 }\n`);
    expect(deliveryPolicyFrom((await loadConfig({ cwd: dir.dir, env: {} })).delivery).keepAuditDays).toBe(90);
    await dir.write("tributary.yaml", `${MINIMAL_API}delivery: { keepAuditDays: -1 }\n`);
    const error = (await loadConfig({ cwd: dir.dir, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(error.problems.map((p) => p.path)).toEqual(["delivery.keepAuditDays"]);
  });

  it("loads the plugins a config lists, then checks its destinations against them", async () => {
    await dir.write("tributary.yaml", `${MINIMAL_API}plugins: []\ndestinations:\n  - { name: a, type: fake-sink, options: { url: 7 } }\n`);
    const registry = registryWith(fakeDestination("fake-sink"));
    const error = await loadConfigWithPlugins({ cwd: dir.dir, env: {}, registry }).catch((e: unknown) => e);
    expect((error as ConfigError).problems).toEqual([{ path: "destinations[0].options.url", line: 5, column: 49, message: "must be a string (got number 7)" }]);

    await dir.write("tributary.yaml", `${MINIMAL_API}plugins: []\ndestinations:\n  - { name: a, type: fake-sink, options: { url: x } }\n`);
    const loaded = await loadConfigWithPlugins({ cwd: dir.dir, env: {}, registry });
    expect(loaded.registry).toBe(registry);
    expect(loaded.config.destinations[0]?.options).toEqual({ url: "x", retries: 3 });
  });

  it("imports a plugin listed by path relative to the config file", async () => {
    await dir.write(
      "local-sink.mjs",
      `export default { kind: "destination", name: "local-sink", optionsSchema: { type: "object", required: ["bucket"] }, create() { throw new Error("not used"); } };\n`,
    );
    await dir.write("tributary.yaml", `${MINIMAL_API}plugins: ["./local-sink.mjs"]\ndestinations:\n  - { name: a, type: local-sink }\n`);
    const error = await loadConfigWithPlugins({ path: `${dir.dir}/tributary.yaml`, cwd: "/", env: {} }).catch((e: unknown) => e);
    expect((error as ConfigError).problems).toEqual([{ path: "destinations[0].options.bucket", line: 5, column: 5, message: "is required" }]);
  });

  it("does not import plugins from a config that is invalid", async () => {
    await dir.write("tributary.yaml", `${MINIMAL_API}plugins: ["./does-not-exist.ts"]\nserver: { port: x }\n`);
    const error = await loadConfigWithPlugins({ cwd: dir.dir, env: {}, registry: registryWith() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(["server.port"]);
  });
});

describe("defaultConfig", () => {
  it("is the offline demo: SANDBOX, no destinations, local only", () => {
    const config = defaultConfig({});
    expect(config.providers).toEqual({ SANDBOX: { enabled: true } });
    expect(config.destinations).toEqual([]);
    expect(config.server.host).toBe("127.0.0.1");
    expect(config.api!.apiKeys).toHaveLength(1);
  });

  it("takes Redis, database, key and API secrets from the environment", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    const config = defaultConfig({
      REDIS_URL: "redis://cache:6380",
      DATABASE_URL: "postgres://db/tributary",
      TRIBUTARY_ENCRYPTION_KEY: key,
      TRIBUTARY_API_KEY: "an-api-key-from-env",
      TRIBUTARY_SIGNING_SECRET: "a-signing-secret",
    });
    expect(config.redis.url).toBe("redis://cache:6380");
    expect(config.database.url).toBe("postgres://db/tributary");
    expect(config.encryptionKey).toBe(key);
    expect(config.api).toMatchObject({ apiKeys: ["an-api-key-from-env"], signingSecret: "a-signing-secret" });
  });
});

describe("published secrets", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it("refuses a config file that uses a secret published with the demo or the examples, wherever it sits", async () => {
    await dir.write(
      "published.yaml",
      [
        "api:",
        "  apiKeys: [ tributary-demo-api-key ]",
        "  signingSecret: ${SIGNING:-tributary-demo-signing-secret}",
        "providers:",
        "  SANDBOX: { pushSecret: sandbox-push-secret }",
        "",
      ].join("\n"),
    );
    const error = (await loadConfig({ path: `${dir.dir}/published.yaml`, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => `${p.line}:${p.path}`)).toEqual(["2:api.apiKeys[0]", "3:api.signingSecret", "5:providers.SANDBOX.pushSecret"]);
    expect(error.problems[0]!.message).toContain("set your own");
    // Given its own secret through the environment, the same file loads.
    await dir.write("own.yaml", "api:\n  apiKeys: [ an-operator-key-0001 ]\n  signingSecret: ${SIGNING:-tributary-demo-signing-secret}\n");
    expect((await loadConfig({ path: `${dir.dir}/own.yaml`, env: { SIGNING: "an-operator-secret" } })).api?.signingSecret).toBe("an-operator-secret");
  });

  it("lets the built-in demo config run with them, on this machine only", async () => {
    const demo = await loadConfig({ cwd: dir.dir, env: {} });
    expect(demo.api?.apiKeys).toEqual(["tributary-demo-api-key"]);
    expect(() => assertSafeToListen(demo, "127.0.0.1")).not.toThrow();
    expect(() => assertSafeToListen(demo, "::1")).not.toThrow();
    expect(() => assertSafeToListen(demo, "0.0.0.0")).toThrow(/published demo secrets \(api.apiKeys\[0\], api.signingSecret\)/);
    const own = await loadConfig({ cwd: dir.dir, env: { TRIBUTARY_API_KEY: "an-operator-key-0001", TRIBUTARY_SIGNING_SECRET: "an-operator-secret" } });
    expect(() => assertSafeToListen(own, "0.0.0.0")).not.toThrow();
  });
});

describe("tributary.example.yaml", () => {
  it("is a valid config once its required variables are set", async () => {
    const config = await loadConfig({
      path: EXAMPLE,
      env: { TRIBUTARY_API_KEY: "example-api-key-0123", TRIBUTARY_SIGNING_SECRET: "example-signing-secret" },
    });
    expect(config.destinations.map((d) => `${d.name} (${d.type})`)).toEqual(["my-app (webhook)"]);
    expect(Object.keys(config.providers)).toEqual(["SANDBOX", "STRAVA"]);
  });

  it("needs exactly the variables it says are required", async () => {
    const error = (await loadConfig({ path: EXAMPLE, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(error.problems.map((p) => p.message.split(":")[0])).toEqual([
      "environment variable TRIBUTARY_API_KEY is not set",
      "environment variable TRIBUTARY_SIGNING_SECRET is not set",
    ]);
  });
});
