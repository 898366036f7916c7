import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { defineConnector } from "../../src/contracts/connector.ts";
import { apiKeyDigestText, createDeveloperDirectory, developersFromConfig, destinationOwners, generateApiKey } from "../../src/developers/index.ts";
import { createPluginRegistry } from "../../src/registry/plugin-registry.ts";
import { fakeDestination } from "./helpers.ts";

const connector = defineConnector({
  spec: { name: "SANDBOX", displayName: "Sandbox", dataTypes: ["daily"], auth: { type: "none" }, streams: { daily: [{ name: "daily", id: "/date" }] } },
  hooks: { read: { daily: async function* () {} }, map: { daily: () => null } },
});
const registry = createPluginRegistry([fakeDestination("sink"), connector]);

const KEY_A = "key-of-developer-a-0001";
const KEY_A2 = "key-of-developer-a-0002";
const KEY_B = "key-of-developer-b-0001";

function load(text: string) {
  return parseConfig(text, { file: "tributary.yaml", env: {}, registry });
}

function problems(text: string): string[] {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected the config to be rejected");
}

const destinations = `destinations:
  - { name: a-hook, type: sink, options: { url: a } }
  - { name: b-hook, type: sink, options: { url: b } }
  - { name: ops, type: sink, options: { url: o } }
`;

describe("developer accounts in the config", () => {
  it("the single api: block is the default developer, owning every destination", () => {
    const config = load(`api: { devId: solo, apiKeys: [${KEY_A}], signingSecret: solo-secret-1 }\n${destinations}`);
    const [solo, ...others] = developersFromConfig(config);
    expect(others).toEqual([]);
    expect(solo).toMatchObject({ devId: "solo", isDefault: true, signingSecret: "solo-secret-1" });
    expect([...solo!.destinations].sort()).toEqual(["a-hook", "b-hook", "ops"]);
    // Every destination inherits the default developer's secret.
    expect(config.destinations.map((d) => d.options.signingSecret)).toEqual(["solo-secret-1", "solo-secret-1", "solo-secret-1"]);
  });

  it("developers own the destinations they list, with their own signing secret; the default keeps the rest", () => {
    const config = load(`api: { devId: ops, apiKeys: [${KEY_A}], signingSecret: ops-secret-1 }
developers:
  - { devId: acme, apiKeys: [${KEY_B}], signingSecret: acme-secret-1, providers: [SANDBOX], destinations: [a-hook, b-hook] }
${destinations}`);
    expect(Object.fromEntries(destinationOwners(config))).toEqual({ "a-hook": "acme", "b-hook": "acme", ops: "ops" });
    expect(config.destinations.map((d) => [d.name, d.options.signingSecret])).toEqual([
      ["a-hook", "acme-secret-1"],
      ["b-hook", "acme-secret-1"],
      ["ops", "ops-secret-1"],
    ]);
    const acme = developersFromConfig(config).find((d) => d.devId === "acme");
    expect(acme).toMatchObject({ isDefault: false, providers: new Set(["SANDBOX"]) });
  });

  it("keys are kept as digests; a plain key and its sha256: form both authenticate, nothing else does", () => {
    const config = load(`developers:
  - { devId: acme, apiKeys: [${KEY_A}, "${apiKeyDigestText(KEY_A2)}"], destinations: [a-hook, b-hook, ops] }
${destinations}`);
    const directory = createDeveloperDirectory(developersFromConfig(config));
    const acme = directory.get("acme")!;
    expect(JSON.stringify(acme)).not.toContain(KEY_A);
    expect(directory.authenticate("acme", KEY_A)?.devId).toBe("acme");
    expect(directory.authenticate("acme", KEY_A2)?.devId).toBe("acme");
    for (const wrong of [KEY_B, `${KEY_A} `, KEY_A.toUpperCase(), "", apiKeyDigestText(KEY_A2)]) expect(directory.authenticate("acme", wrong)).toBeUndefined();
    expect(directory.authenticate("nobody", KEY_A)).toBeUndefined();
    expect(directory.default).toBeUndefined();
  });

  it("generated keys are long random strings whose digest form is sha256:<64 hex>", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(apiKeyDigestText(key)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("refuses a config with no developer at all", () => {
    expect(problems(destinations)[0]).toMatch(/^api: is required/);
  });

  it("reports each mistake about accounts at its place, never echoing a key", () => {
    const found = problems(`api: { devId: acme, apiKeys: [${KEY_A}] }
developers:
  - { devId: acme, apiKeys: [${KEY_B}], destinations: [a-hook] }
  - { devId: beta, apiKeys: [${KEY_A}], providers: [NOPE], destinations: [a-hook, nowhere] }
${destinations}`);
    expect(found).toEqual([
      'developers[0].devId: "acme" is already the devId of api; each developer needs its own',
      "developers[1].apiKeys[0]: is also an API key of api; give each developer keys of its own",
      'developers[1].providers[0]: no connector is named "NOPE"; loaded connectors: SANDBOX',
      'developers[1].destinations[0]: destination "a-hook" already belongs to developers[0]; a destination receives one developer\'s data only',
      'developers[1].destinations[1]: no destination is named "nowhere"; declared destinations: a-hook, b-hook, ops',
    ]);
    expect(found.join("\n")).not.toContain(KEY_A);
  });

  it("without a default developer, every enabled destination needs an owner", () => {
    expect(problems(`developers:\n  - { devId: acme, apiKeys: [${KEY_A}], destinations: [a-hook] }\n${destinations}`)).toEqual([
      'destinations[1].name: "b-hook" belongs to no developer: list it under a developer\'s destinations, or declare the default developer (api:)',
      'destinations[2].name: "ops" belongs to no developer: list it under a developer\'s destinations, or declare the default developer (api:)',
    ]);
  });
});
