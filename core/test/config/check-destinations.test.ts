import { describe, expect, it } from "vitest";
import { checkDestinations, formatCheckResult } from "../../src/config/check-destinations.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { defineDestination } from "../../src/contracts/destination.ts";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { UserError } from "../../src/errors/tributary-error.ts";
import { fakeDestination, MINIMAL_API, registryWith } from "./helpers.ts";

const never = () => new Promise<void>(() => undefined);

describe("checkDestinations", () => {
  it("reports one result per enabled destination: ok, failing with code and hint, timed out", async () => {
    const closed: string[] = [];
    const registry = registryWith(
      fakeDestination("good-sink", { onClose: (name) => closed.push(name) }),
      fakeDestination("bad-sink", {
        onClose: (name) => closed.push(name),
        check: async () => {
          throw new UserError(ErrorCodes.DESTINATION_AUTH, 'Access denied to bucket "x"', { hint: "check the access key" });
        },
      }),
      fakeDestination("slow-sink", { onClose: (name) => closed.push(name), check: never }),
    );
    const config = parseConfig(
      `${MINIMAL_API}destinations:
  - { name: warehouse, type: good-sink, options: { url: a } }
  - { name: lake, type: bad-sink, options: { url: b } }
  - { name: tortoise, type: slow-sink, options: { url: c } }
  - { name: parked, type: bad-sink, enabled: false, options: { url: d } }
`,
      { env: {}, registry },
    );

    const results = await checkDestinations(config, registry, { timeoutMs: 50 });

    expect(results.map((r) => [r.name, r.type, r.ok])).toEqual([
      ["warehouse", "good-sink", true],
      ["lake", "bad-sink", false],
      ["tortoise", "slow-sink", false],
    ]);
    const lines = results.map(formatCheckResult);
    expect(lines[0]).toMatch(/^✓ warehouse \(good-sink\) {2}ok {2}\d+ ms$/);
    expect(lines[1]).toBe('✗ lake (bad-sink)  ERR_DESTINATION_AUTH: Access denied to bucket "x" — check the access key');
    expect(lines[2]).toBe(
      "✗ tortoise (slow-sink)  ERR_DESTINATION_UNAVAILABLE: check() did not finish within 0.05 s — is the service reachable from this machine? If it is only slow, allow more time",
    );
    expect(closed.sort()).toEqual(["lake", "tortoise", "warehouse"]);
  });

  it("lets a destination find another one by name while checking", async () => {
    const registry = registryWith(fakeDestination("store-sink"), fakeDestination("hook-sink", { lookups: ["store"] }));
    const config = parseConfig(
      `${MINIMAL_API}destinations:\n  - { name: hook, type: hook-sink, options: { url: a } }\n  - { name: store, type: store-sink, options: { url: b } }\n`,
      { env: {}, registry },
    );
    const results = await checkDestinations(config, registry);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it("never prints a secret, even when a driver error quotes it", async () => {
    const token = "tok-5ecret-value-77";
    const registry = registryWith(
      fakeDestination("leaky-sink", {
        check: async (options) => {
          const error = new Error(`connect to ${options.url} with token ${options.token} refused`) as NodeJS.ErrnoException;
          error.code = "ECONNREFUSED";
          throw error;
        },
      }),
    );
    const config = parseConfig(
      `${MINIMAL_API}destinations:\n  - { name: leaky, type: leaky-sink, options: { url: "https://user:pa55word@host.example/x", token: "\${TOKEN}" } }\n`,
      { env: { TOKEN: token }, registry },
    );
    const [result] = await checkDestinations(config, registry);
    const line = formatCheckResult(result!);
    expect(line).toBe("✗ leaky (leaky-sink)  ECONNREFUSED: connect to https://user:[redacted]@host.example/x with token [redacted] refused");
  });

  it("reports a destination that cannot even be created, and still checks the others", async () => {
    const registry = registryWith(
      fakeDestination("fine-sink"),
      defineDestination({
        name: "broken-sink",
        optionsSchema: { type: "object" },
        create: () => {
          throw new UserError(ErrorCodes.DESTINATION_CONFIG, "region is not supported");
        },
      }),
    );
    const config = parseConfig(
      `${MINIMAL_API}destinations:\n  - { name: broken, type: broken-sink }\n  - { name: fine, type: fine-sink, options: { url: a } }\n`,
      { env: {}, registry },
    );
    const results = await checkDestinations(config, registry);
    expect(results.map(formatCheckResult)[0]).toBe("✗ broken (broken-sink)  ERR_DESTINATION_CONFIG: region is not supported");
    expect(results[1]?.ok).toBe(true);
  });
});
