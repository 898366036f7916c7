import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { AuthSpec } from "@tributary/schemas";
import { loadMockFixtures } from "../../mock-provider/fixture-files.ts";
import { mockFromSpec } from "../../mock-provider/mock-from-spec.ts";
import type { MockClient, MockUser } from "../../mock-provider/parties.ts";
import { DEFAULT_MOCK_CLIENT } from "../../mock-provider/spec-oauth.ts";
import { parsePositiveInteger } from "../app-options.ts";
import { resolveConnector, usageError, usageErrorsExitTwo } from "./connector-target.ts";

/** `tributary mock <provider>`: the mock kit's mock of a connector, from its spec and its folder's fixtures, until stopped. */
export function registerMockCommand(program: Command): Command {
  return usageErrorsExitTwo(program.command("mock <provider>"))
    .description("serve a mock of a connector's provider (OAuth, streams, paging, rate limits, signed pushes) from its spec and fixtures/ folder, until Ctrl-C")
    .option("--port <n>", "port to listen on (default: a free one)", parsePositiveInteger)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("-c, --config <path>", "config whose plugins name the connector (default: the built-in connectors)")
    .action(async (target: string, options: { port?: number; host: string; config?: string }) => {
      const connector = await resolveConnector(target, options);
      const dir = connector.definition.dir;
      const fixturesDir = dir === undefined ? undefined : join(dir, "fixtures");
      if (fixturesDir === undefined || !existsSync(fixturesDir)) {
        throw usageError(
          `${connector.name} has no fixtures folder${fixturesDir ? ` (${fixturesDir})` : ""}`,
          "A mock serves the connector folder's fixtures/ (users.json and a file per stream): see docs/mock-provider.md.",
        );
      }
      const spec = connector.definition.spec;
      const fixtures = await loadMockFixtures(fixturesDir, spec);
      const mock = mockFromSpec(spec, fixtures);
      const origin = await mock.listen({ port: options.port ?? 0, host: options.host });
      const urls = mock.urls();
      const client = fixtures.clients?.[0] ?? defaultClient(spec.auth);
      console.log(`✓ ${connector.name} mock at ${origin}`);
      console.log(`  base URL:  ${urls.baseUrl}   (providers.${connector.name}.baseUrl)`);
      if (urls.authorizeUrl) console.log(`  authorize: ${urls.authorizeUrl}`);
      if (urls.tokenUrl) console.log(`  token:     ${urls.tokenUrl}`);
      if (client) console.log(`  client id: ${client.id}${client.secret ? `   secret: ${client.secret}` : " (public client)"}`);
      const user = fixtures.users[0];
      if (user) console.log(`  test user: ${describeUser(user)}`);
      console.log("Ctrl-C stops it.");
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void mock.close().then(resolve, resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      console.log(`✓ ${connector.name} mock stopped`);
    });
}

function defaultClient(auth: AuthSpec): MockClient | undefined {
  if (auth.type === "oauth2_password" && auth.publicClient) return auth.publicClient;
  return auth.type === "oauth2" || auth.type === "oauth2_password" ? DEFAULT_MOCK_CLIENT : undefined;
}

function describeUser(user: MockUser): string {
  const parts = [`id ${user.id}`];
  if (user.username !== undefined) parts.push(`login ${user.username} / ${user.password ?? ""}`);
  if (user.token !== undefined) parts.push(`token ${user.token}`);
  if (user.apiKey !== undefined) parts.push(`API key ${user.apiKey}`);
  return parts.join(", ");
}
