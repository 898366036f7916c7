import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Command } from "commander";
import type { ConnectorSpec } from "@tributary/schemas";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { registerSubscriptionsCommand } from "../../src/cli/commands/subscriptions.ts";
import { answerHandshake } from "../../src/ingress/answer-handshake.ts";
import { manualClock, mockFromSpec, type MockProvider } from "../../src/mock-provider/index.ts";
import { createPluginRegistry } from "../../src/registry/plugin-registry.ts";
import { defineConnector } from "../../src/spec/define-connector.ts";
import { oneApp, perType } from "./specs.ts";
import { MINIMAL_API, tempDir } from "../config/helpers.ts";

describe("tributary subscriptions", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  /** Our callback: answers the provider's check as the ingress does, for `verifyToken`. */
  async function callback(spec: ConnectorSpec, verifyToken: string): Promise<string> {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const answer = answerHandshake(spec.webhook!.handshakes!, { method: request.method ?? "GET", query: Object.fromEntries(url.searchParams) }, verifyToken);
      if ("json" in answer) response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
      else response.writeHead(answer.status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function mockOf(spec: ConnectorSpec, clock = manualClock(Date.parse("2026-03-01T00:00:00Z"))): Promise<{ mock: MockProvider; clock: typeof clock }> {
    const mock = mockFromSpec(spec, { users: [{ id: "u1" }] }, { clock, subscriptions: { lifetimeSeconds: 30 * 86_400 } });
    await mock.listen();
    onTestFinished(() => mock.close());
    return { mock, clock };
  }

  async function run(spec: ConnectorSpec, config: string, now: () => number, ...args: string[]) {
    const path = await dir.write("tributary.yaml", config);
    const out: string[] = [];
    const err: string[] = [];
    let exitCode: number | undefined;
    const program = new Command().exitOverride();
    registerSubscriptionsCommand(program, {
      env: {},
      createRegistry: () => createPluginRegistry([defineConnector({ spec })]),
      now,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      setExitCode: (code) => {
        exitCode = code;
      },
    });
    await program.parseAsync(["subscriptions", ...args, "-c", path], { from: "user" });
    return { out, err, exitCode };
  }

  const configFor = (spec: ConnectorSpec, publicUrl: string, baseUrl: string, extra = "") =>
    `${MINIMAL_API}plugins: []\nserver: { publicUrl: "${publicUrl}" }\nproviders:\n  ${spec.name}: { clientId: mock-client-id, clientSecret: mock-client-secret, verifyToken: tok-123, baseUrl: "${baseUrl}"${extra} }\n`;

  it("create makes the subscription and prints the setting to configure; show fails until it is set; delete removes it", async () => {
    const publicUrl = await callback(oneApp, "tok-123");
    const { mock } = await mockOf(oneApp);
    const now = () => Date.now();
    const config = configFor(oneApp, publicUrl, mock.urls().baseUrl);

    const created = await run(oneApp, config, now, "create", "acme_one");
    expect(created.exitCode).toBe(0);
    expect(created.out).toEqual([
      `✓ ACME_ONE subscription #8 made, posting to ${publicUrl}/hooks/ACME_ONE`,
      '  set providers.ACME_ONE.options.subscription_id: "8"',
    ]);
    expect(created.err).toEqual(["Put this in the config before pushes arrive."]);

    const unset = await run(oneApp, config, now, "show", "ACME_ONE");
    expect(unset.exitCode).toBe(1);
    expect(unset.out).toEqual([
      `#8           ${publicUrl}/hooks/ACME_ONE  ours`,
      `✗ providers.ACME_ONE.options.subscription_id is not set, and the subscription's is "8": pushes naming it are refused until it is set`,
    ]);
    const set = await run(oneApp, configFor(oneApp, publicUrl, mock.urls().baseUrl, ', options: { subscription_id: "8" }'), now, "show", "ACME_ONE");
    expect(set.exitCode).toBe(0);
    expect(set.out.at(-1)).toBe(`✓ ACME_ONE's pushes come to ${publicUrl}/hooks/ACME_ONE`);

    const again = await run(oneApp, config, now, "create", "ACME_ONE");
    expect(again.out).toEqual([`– ACME_ONE subscription #8 is there already, posting to ${publicUrl}/hooks/ACME_ONE`]);

    const deleted = await run(oneApp, config, now, "delete", "ACME_ONE");
    expect(deleted.out).toEqual(["✓ ACME_ONE subscription #8 deleted"]);
    expect((await run(oneApp, config, now, "show", "ACME_ONE")).exitCode).toBe(1);
  });

  it("create fails with the provider's refusal when our callback does not answer its check (a verify token the server does not have)", async () => {
    const publicUrl = await callback(oneApp, "another-token");
    const { mock } = await mockOf(oneApp);
    await expect(run(oneApp, configFor(oneApp, publicUrl, mock.urls().baseUrl), Date.now, "create", "ACME_ONE")).rejects.toThrow(/answered 400/);
  });

  it("subscriptions per key expire on the provider's clock: show reports the expired, renew extends those expiring within a week", async () => {
    const publicUrl = await callback(perType, "tok-123");
    const { mock, clock } = await mockOf(perType);
    const config = configFor(perType, publicUrl, mock.urls().baseUrl);
    const created = await run(perType, config, clock.now, "create", "ACME_TYPES");
    expect(created.out).toHaveLength(2);
    expect(created.out[0]).toMatch(/^✓ ACME_TYPES subscription #\S+ \(create workout\) made/);
    expect(created.out[1]).toMatch(/^✓ ACME_TYPES subscription #\S+ \(update workout\) made/);

    clock.advance(10 * 86_400);
    const early = await run(perType, config, clock.now, "renew", "ACME_TYPES");
    expect(early.out).toEqual(["ACME_TYPES: no subscription of ours expires soon; nothing renewed."]);

    clock.advance(15 * 86_400);
    const renewed = await run(perType, config, clock.now, "renew", "ACME_TYPES");
    expect(renewed.out).toHaveLength(2);
    // Renewed for another 30 days from the provider's now (day 25 after creation).
    expect(renewed.out[0]).toMatch(/renewed: expires 2026-04-25T00:00:00\.000Z \(was 2026-03-31T00:00:00\.000Z\)$/);
    expect(mock.requests.filter((request) => request.method === "PUT")).toHaveLength(2);

    clock.advance(31 * 86_400);
    const expired = await run(perType, config, clock.now, "show", "ACME_TYPES");
    expect(expired.exitCode).toBe(1);
    expect(expired.out.filter((line) => line.startsWith("✗"))).toHaveLength(2);
    expect(expired.out.find((line) => line.startsWith("✗"))).toMatch(
      /expired on 2026-04-25T00:00:00\.000Z: make it again with tributary subscriptions create ACME_TYPES$/,
    );
  });

  it("an unknown action, or a provider without an application subscription, is a usage mistake", async () => {
    const { mock } = await mockOf(oneApp);
    await expect(run(oneApp, configFor(oneApp, "http://127.0.0.1:1", mock.urls().baseUrl), Date.now, "list", "ACME_ONE")).rejects.toThrow(
      'unknown action "list"',
    );
    const plain: ConnectorSpec = { ...oneApp, name: "ACME_PLAIN", webhook: { ...oneApp.webhook!, subscription: undefined as never } };
    delete (plain.webhook as { subscription?: unknown }).subscription;
    await expect(run(plain, configFor(plain, "http://127.0.0.1:1", mock.urls().baseUrl), Date.now, "show", "ACME_PLAIN")).rejects.toThrow(
      "ACME_PLAIN has no application subscription to its pushes",
    );
  });
});
