import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig, parseConfig } from "../../src/config/load-config.ts";
import { ErrorCodes } from "../../src/errors/codes.ts";
import type { PluginRegistry } from "../../src/registry/plugin-registry.ts";
import { fakeDestination, MINIMAL_API, registryWith, tempDir } from "./helpers.ts";

let registry: PluginRegistry;
beforeEach(() => {
  registry = registryWith(fakeDestination("fake-sink"), fakeDestination("other-sink"));
});

function rejection(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(text, { file: "tributary.yaml", env, registry });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected the config to be rejected");
}

/** `line:column path: message` of each problem, the way they read in the error. */
function lines(error: ConfigError): string[] {
  return error.problems.map((p) => `${p.line ?? "-"}:${p.column ?? "-"} ${p.path}: ${p.message}`);
}

describe("config errors", () => {
  describe("with a file on disk", () => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    beforeEach(async () => {
      dir = await tempDir();
    });
    afterEach(() => dir.cleanup());

    it("names the file, line, column and path of a value of the wrong type", async () => {
      await dir.write(
        "tributary.yaml",
        [
          "api:",
          "  apiKeys: [0123456789abcdef]",
          "destinations:",
          "  - name: first",
          "    type: fake-sink",
          "    options: { url: https://a.example }",
          "  - name: second",
          "    type: fake-sink",
          "    options:",
          "      url: 42",
          "",
        ].join("\n"),
      );
      const error = await loadConfig({ path: "tributary.yaml", cwd: dir.dir, env: {}, registry }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigError;
      expect(configError.code).toBe(ErrorCodes.CONFIG_INVALID);
      expect(configError.errorClass).toBe("user");
      expect(configError.message).toContain("tributary.yaml:10:12 destinations[1].options.url: must be a string (got number 42)");
      expect(configError.problems).toEqual([{ path: "destinations[1].options.url", line: 10, column: 12, message: "must be a string (got number 42)" }]);
    });
  });

  it("reports a missing required field at its parent, with what the field is for", () => {
    const error = rejection("destinations:\n  - name: lake\n    options: {}\n");
    expect(lines(error)).toEqual([
      "1:1 api: is required (the default developer account of the REST API, api: { apiKeys: [...] }), unless developers: lists the accounts",
      "2:5 destinations[0].type: is required (Destination plugin name: webhook, sql, mongodb, firestore, s3, sqs or one from a listed plugin)",
    ]);
  });

  it("reports a missing required option of a destination plugin", () => {
    const error = rejection(`${MINIMAL_API}destinations:\n  - { name: a, type: fake-sink, options: { retries: 1 } }\n`);
    expect(lines(error)).toEqual(["4:42 destinations[0].options.url: is required (Where the fake sink lives)"]);
  });

  it("rejects an unknown destination type and lists the known ones", () => {
    const error = rejection(`${MINIMAL_API}destinations:\n  - name: lake\n    type: s4\n`);
    expect(lines(error)).toEqual([
      '5:11 destinations[0].type: no destination plugin is named "s4"; known types: fake-sink, firestore, mongodb, other-sink, s3, sql, sqs, webhook (a plugin from another package must be listed under plugins)',
    ]);
  });

  it("validates options against the plugin's optionsSchema and points at the option", () => {
    const error = rejection(
      `${MINIMAL_API}destinations:\n  - name: a\n    type: fake-sink\n    options:\n      url: https://x.example\n      retries: -1\n      tokn: abc\n`,
    );
    expect(lines(error)).toEqual([
      "8:16 destinations[0].options.retries: must be >= 0 (got number -1)",
      "9:7 destinations[0].options.tokn: is not a known field (did you mean token?); expected one of: url, token, retries, signingSecret",
    ]);
  });

  it("applies the plugin's option defaults and the default signing secret", () => {
    const config = parseConfig(
      `api:\n  apiKeys: [0123456789abcdef]\n  signingSecret: shared-secret\ndestinations:\n  - { name: a, type: fake-sink, options: { url: https://x.example } }\n`,
      { env: {}, registry },
    );
    expect(config.destinations[0]?.options).toEqual({ url: "https://x.example", retries: 3, signingSecret: "shared-secret" });
    expect(config.destinations[0]?.events).toContain("activity");
    expect(config.destinations[0]?.enabled).toBe(true);
  });

  it("rejects two destinations with the same name", () => {
    const error = rejection(
      `${MINIMAL_API}destinations:\n  - { name: lake, type: fake-sink, options: { url: a } }\n  - { name: lake, type: other-sink, options: { url: b } }\n`,
    );
    expect(lines(error)).toEqual(['5:13 destinations[1].name: "lake" is already the name of destinations[0]; each destination needs its own name']);
  });

  it("rejects an unknown event type", () => {
    const error = rejection(`${MINIMAL_API}destinations:\n  - { name: a, type: fake-sink, events: [sleep, workout], options: { url: a } }\n`);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: "destinations[0].events[1]", line: 4, column: 49 });
    expect(error.problems[0]?.message).toMatch(/^must be one of: "auth", .*"deauth", .*"athlete" \(got "workout"\)$/);
  });

  it("collects every problem, including an unset variable, into one error in file order", () => {
    const error = rejection(
      `api:\n  apiKeys: [\${MISSING_KEY}]\nserver: { port: "80" }\ndestinations:\n  - { name: a, type: nope }\n  - { name: a, type: fake-sink, options: { url: 1 } }\n`,
    );
    expect(lines(error)).toEqual([
      "2:13 api.apiKeys[0]: environment variable MISSING_KEY is not set: set it, or write ${MISSING_KEY:-default} to give a default",
      '3:17 server.port: must be a whole number (got "80")',
      '5:22 destinations[0].type: no destination plugin is named "nope"; known types: fake-sink, firestore, mongodb, other-sink, s3, sql, sqs, webhook (a plugin from another package must be listed under plugins)',
      '6:13 destinations[1].name: "a" is already the name of destinations[0]; each destination needs its own name',
      "6:49 destinations[1].options.url: must be a string (got number 1)",
    ]);
    expect(error.message.split("\n")).toHaveLength(6);
    expect(error.message.split("\n")[0]).toBe("tributary.yaml has 5 problems:");
  });

  it("reports YAML syntax errors with their position", () => {
    const error = rejection(`${MINIMAL_API}server:\n  port: 1\n   host: x\n`);
    expect(error.problems[0]).toMatchObject({ path: "", line: 4, column: 9 });
    expect(error.problems[0]?.message).toMatch(/^not valid YAML: /);
  });

  it("rejects a file that is not a mapping", () => {
    expect(lines(rejection("- just\n- a list\n"))).toEqual(["1:1 : must be a mapping of settings (server:, api:, destinations: ...)"]);
  });

  it("never shows a secret value, only where it is and what is expected", () => {
    const secrets = {
      apiKey: "short-key",
      signing: "hunter2",
      encryption: "definitely-not-32-bytes-of-key",
      token: "tok-9f8e7d6c5b4a",
      envSecret: "from-the-environment-42",
    };
    const error = rejection(
      [
        "api:",
        `  apiKeys: ["${secrets.apiKey}"]`,
        `  signingSecret: ${secrets.signing}`,
        `encryptionKey: ${secrets.encryption}`,
        "providers:",
        "  STRAVA: { clientSecret: 12345, rateLimit: { max: ${RATE} , perSeconds: 1 } }",
        "destinations:",
        `  - { name: a, type: fake-sink, options: { url: "https://u:${secrets.token}@x.example", token: 987654321, signingSecret: "${secrets.signing}" } }`,
        `  - { name: b, type: fake-sink, options: { url: [x], tokn: "${secrets.token}" } }`,
      ].join("\n"),
      { RATE: secrets.envSecret },
    );
    const text = `${error.message}\n${JSON.stringify(error.problems)}\n${JSON.stringify(error.details)}`;
    for (const value of [...Object.values(secrets), "12345", "987654321"]) expect(text).not.toContain(value);
    expect(lines(error)).toEqual([
      "2:13 api.apiKeys[0]: must be at least 16 characters long (got 9)",
      "4:16 encryptionKey: encryption key must be 32 random bytes written as base64 (44 characters) or hex (64 characters); got a 30-character string (openssl rand -base64 32)",
      "6:27 providers.STRAVA.clientSecret: must be a string (got a number)",
      "6:52 providers.STRAVA.rateLimit.max: must be a whole number (got the value of $RATE)",
      "8:96 destinations[0].options.token: must be a string (got a number)",
      "8:122 destinations[0].options.signingSecret: must be at least 8 characters long (got 7)",
      "9:42 destinations[1].options.signingSecret: must be at least 8 characters long (got 7), taken from its developer's signingSecret",
      "9:49 destinations[1].options.url: must be a string (got a list)",
      "9:54 destinations[1].options.tokn: is not a known field (did you mean token?); expected one of: url, token, retries, signingSecret",
    ]);
  });
});
