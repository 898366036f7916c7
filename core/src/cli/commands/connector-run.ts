import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import type { Credentials, StoredTokens } from "../../auth/credentials.ts";
import { fixedCredentials } from "../../auth/fixed-credentials.ts";
import { resolveOAuthClient } from "../../auth/oauth-client.ts";
import { storedTokensFrom } from "../../auth/stored-tokens.ts";
import { createTokenEndpoint } from "../../auth/token-endpoint.ts";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import { operatorMessage } from "../../errors/tributary-error.ts";
import { createUndiciTransport } from "../../provider-http/undici-transport.ts";
import type { ProviderTransport } from "../../provider-http/transport.ts";
import { loadRecordings, type RecordingSet } from "../../recordings/load-recordings.ts";
import { recordedSpan } from "../../recordings/recorded-span.ts";
import { recordedTransport } from "../../recordings/recorded-transport.ts";
import { whereProviderUserIdIsRead } from "../../spec/provider-user-id-reads.ts";
import { pullConnector, type ConnectorPullSummary } from "./connector-pull.ts";
import { replayExamplePushes } from "./connector-push-pulls.ts";
import { connectorOrFail, parseDateOption, parseRange, usageError } from "./connector-target.ts";
import { checkProviderUserIdKnown, dryrunGrantedScopes, dryrunProviderUserId, providerUserIdDescription, type DryrunGrant } from "./dryrun-provider-user.ts";

interface PullCommandOptions {
  from?: string;
  to?: string;
  user?: string;
  config?: string;
}

const printed = { write: (line: string) => process.stdout.write(`${line}\n`), problem: (line: string) => console.error(line) };

/** Runs a pull and prints its summary; a failure of the pull itself (a missing recording, a refused request) is exit 1, one line. */
async function printSummary(connector: RuntimeConnector, pull: () => Promise<ConnectorPullSummary>): Promise<void> {
  try {
    const summary = await pull();
    console.error(
      `${summary.invalid === 0 ? "✓" : "✗"} ${connector.name}: ${summary.delivered} valid record${summary.delivered === 1 ? "" : "s"} in ${summary.payloads} payload${summary.payloads === 1 ? "" : "s"}, ${summary.invalid} invalid`,
    );
    process.exitCode = summary.invalid === 0 ? 0 : 1;
  } catch (error) {
    console.error(`✗ ${operatorMessage(error)}`);
    process.exitCode = 1;
  }
}

/** Pulls and prints. */
async function pullAndPrint(
  connector: RuntimeConnector,
  transport: ProviderTransport,
  range: { start: Date; end: Date },
  extra: Omit<Parameters<typeof pullConnector>[0], "connector" | "transport" | "range" | "write" | "problem">,
): Promise<void> {
  if (connector.pullTypes.length === 0) {
    throw usageError(
      `${connector.name} pulls nothing: its data only arrives by push`,
      "Replay the pulls its example pushes trigger with --pushes, or map its push examples with connector test.",
    );
  }
  await printSummary(connector, () => pullConnector({ connector, transport, range, ...extra, ...printed }));
}

/** `tributary connector run <name|path> --recorded <dir>`: the real connector code over recorded exchanges, no network. */
export function registerConnectorRunCommand(connector: Command): Command {
  return connector
    .command("run <connector>")
    .description(
      "pull through the connector's real code over a folder of recorded exchanges (no network) and print the Terra payloads as JSON lines; exit 1 if a record is invalid",
    )
    .requiredOption("--recorded <dir>", "the folder of recorded exchanges (docs/recordings.md)")
    .option("--from <date>", "start of the window (ISO date or date-time)")
    .option("--to <date>", "end of the window, exclusive")
    .option("--user <id>", "the provider's id of the user (what {provider_user_id} renders)")
    .option("--now <date>", "when the recordings were made: windows are clamped to the provider's history as of then (default: --to)")
    .option(
      "--pushes",
      "instead of the streams over --from/--to, the pulls the connector's webhook examples trigger (a push-only connector's pings): the object or URL each names, or its window",
    )
    .option(
      "--poll",
      "read as a scheduled poll: a data type with a transaction stream through it (create, list, each item, commit), the others over --from/--to",
    )
    .option("-c, --config <path>", "config whose plugins name the connector (default: the built-in connectors)")
    .action(async (target: string, options: PullCommandOptions & { recorded: string; now?: string; pushes?: boolean; poll?: boolean }) => {
      if (options.pushes && options.poll) throw usageError("--pushes and --poll are two different reads", "Give one of them.");
      if (options.pushes && (options.from !== undefined || options.to !== undefined)) {
        throw usageError(
          "--pushes replays the windows the example pushes name: --from and --to do not apply",
          "Drop --from and --to, or drop --pushes to read the streams over that window.",
        );
      }
      if (!existsSync(options.recorded) || !statSync(options.recorded).isDirectory()) {
        throw usageError(`no recordings folder at ${options.recorded}`, "Give the folder of recorded exchanges, e.g. connectors/<name>/recordings.");
      }
      const found = await connectorOrFail(target, options);
      if (!found) return;
      const givenNow = options.now !== undefined ? parseDateOption(options.now, "--now") : undefined;
      const recordings = await loadRecordings(options.recorded);
      const pull = options.pushes ? undefined : pullFromRecordings(found, recordings, options);
      const range = pull?.range;
      // Recorded answers carry no clock: replayed as of the end of their window, a provider that serves
      // only recent history (Polar: 30 days) answers what it answered then.
      const now = givenNow ?? range?.end ?? new Date();
      const transport = recordedTransport(recordings);
      if (!range) {
        if (!found.definition.spec.webhook?.examples?.length)
          throw usageError(
            `${found.name} has no webhook examples whose pulls could be replayed`,
            "Add webhook.examples to the connector spec, or read its streams with --from and --to.",
          );
        await printSummary(found, async () => {
          const replayed = await replayExamplePushes({ connector: found, transport, providerUserId: options.user, now, ...printed });
          if (replayed.pulls === 0)
            throw usageError(
              `no webhook example of ${found.name} names data${options.user !== undefined ? ` of user ${options.user}` : ""} to pull`,
              "Give --user a user the examples name (their webhook userId), or add an example push that names data.",
            );
          return replayed;
        });
        return;
      }
      await pullAndPrint(found, transport, range, { providerUserId: pull?.user, now, transactions: options.poll === true });
    });
}

/**
 * --from, --to and --user, each as given or else as the recordings say: the span of the windows they
 * answer, and the user when they name exactly one. What was assumed is said on stderr.
 */
function pullFromRecordings(
  connector: RuntimeConnector,
  recordings: RecordingSet,
  options: PullCommandOptions,
): { range: { start: Date; end: Date }; user: string | undefined } {
  if (options.from !== undefined && options.to !== undefined && options.user !== undefined)
    return { range: parseRange(options.from, options.to), user: options.user };
  const span = recordedSpan(connector.definition.spec, recordings);
  const from = options.from ?? (span.range ? dateText(span.range.start) : undefined);
  const to = options.to ?? (span.range ? dateText(span.range.end) : undefined);
  if (from === undefined || to === undefined) {
    throw usageError(
      `--from and --to are required: no recording in ${recordings.dir} answers a window of ${connector.name}'s streams`,
      "Give the window to pull, e.g. --from 2026-03-01 --to 2026-04-01 (the end is exclusive).",
    );
  }
  // A mistake in a given flag is said alone, before anything is assumed.
  const range = parseRange(from, to);
  const user = options.user ?? (span.users.length === 1 ? span.users[0] : undefined);
  // Without a user the pull would still run, and fail record by record where it reads the id.
  const readsUser = user === undefined ? whereProviderUserIdIsRead(connector.definition.spec) : undefined;
  if (readsUser !== undefined) {
    const named = span.users.length > 1 ? `the recordings name ${span.users.length} users` : "the recordings name no user";
    const described = providerUserIdDescription(connector);
    throw usageError(
      `--user is required (${named}): ${connector.name} reads the provider's user id in ${readsUser}`,
      `Give --user with the provider's id of the member the recordings are of${described ? ` — ${connector.name}'s: ${described}` : ""}.`,
    );
  }
  const assumed = [
    options.from === undefined ? `--from ${from}` : "",
    options.to === undefined ? `--to ${to}` : "",
    options.user === undefined && user !== undefined ? `--user ${user}` : "",
  ].filter(Boolean);
  if (assumed.length > 0) {
    const requests = (n: number) => `${n} recorded request${n === 1 ? "" : "s"}`;
    const outside = span.outside > 0 ? `; ${requests(span.outside)} of other windows left out` : "";
    const users = user === undefined && span.users.length > 1 ? `; they name ${span.users.length} users, give --user for one` : "";
    console.error(`• assumed from the recordings: ${assumed.join(" ")} (the windows of ${requests(span.windows)}${outside}${users})`);
  }
  return { range, user };
}

/** A date as the flags take it: the day alone at midnight UTC, else the instant. */
function dateText(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

/** `tributary connector dryrun <name|path>`: the same against the live provider, with the user's credentials. */
export function registerConnectorDryrunCommand(connector: Command): Command {
  return connector
    .command("dryrun <connector>")
    .description(
      "pull from the live provider with a user's credentials (nothing stored, nothing delivered) and print the Terra payloads as JSON lines; exit 1 if a record is invalid",
    )
    .option("--token <token>", "the user's access token, pasted token or API key")
    .option("--username <username>", "the user's login, for a password grant")
    .option("--password <password>", "the user's password, for a password grant (sent to the token endpoint only)")
    .option("--from <date>", "start of the window (ISO date or date-time)")
    .option("--to <date>", "end of the window, exclusive")
    .option("--user <id>", "the provider's id of the user (what {provider_user_id} renders; default: found as connecting finds it, auth.providerUserId)")
    .option("--base-url <url>", "where the provider is (a mock, a proxy) instead of the spec's http.baseUrl")
    .option("--token-url <url>", "the provider's token endpoint, for a password grant (default: the spec's)")
    .option("--client-id <id>", "the OAuth client id (a password grant's client)")
    .option("--client-secret <secret>", "the OAuth client secret")
    .option("-c, --config <path>", "config whose plugins name the connector (default: the built-in connectors)")
    .action(
      async (
        target: string,
        options: PullCommandOptions & {
          token?: string;
          username?: string;
          password?: string;
          baseUrl?: string;
          tokenUrl?: string;
          clientId?: string;
          clientSecret?: string;
        },
      ) => {
        const range = parseRange(options.from, options.to);
        const byPassword = options.username !== undefined || options.password !== undefined;
        if (options.token === undefined && !byPassword)
          throw usageError("dryrun needs the user's credentials", "Give --token <access token>, or --username and --password for a password grant.");
        if (options.token !== undefined && byPassword)
          throw usageError("give --token or --username/--password, not both", "A token is used as it is; a username and password are exchanged for one.");
        if (byPassword && (options.username === undefined || options.password === undefined))
          throw usageError("--username and --password go together", "Give both for a password grant.");
        if (options.baseUrl !== undefined && !URL.canParse(options.baseUrl))
          throw usageError(`--base-url ${JSON.stringify(options.baseUrl)} is not a URL`, "Write an absolute URL, e.g. http://127.0.0.1:4000.");
        const found = await connectorOrFail(target, options);
        if (!found) return;
        checkProviderUserIdKnown(found, byPassword ? "password" : "token", options.user);
        const transport = createUndiciTransport();
        try {
          const settings = { baseUrl: options.baseUrl, clientId: options.clientId, clientSecret: options.clientSecret };
          // The Terra user id of the pull: the provider user id request, as when connecting, is made for it too.
          const userId = randomUUID();
          let credentials: Credentials;
          let providerUserId = options.user;
          let scopes: string[] | undefined;
          try {
            let grant: DryrunGrant = { kind: "token" };
            if (byPassword) {
              const granted = await passwordCredentials(found, transport, { ...settings, tokenUrl: options.tokenUrl }, options.username!, options.password!);
              credentials = granted.credentials;
              grant = { kind: "password", username: options.username!, tokenResponse: granted.tokenResponse };
            } else credentials = tokenCredentials(found, options.token!);
            providerUserId ??= await dryrunProviderUserId(found, grant, credentials, { transport, userId, ...settings });
            scopes = await dryrunGrantedScopes(found, credentials, { transport, userId, providerUserId, ...settings });
          } catch (error) {
            console.error(`✗ ${operatorMessage(error)}`);
            process.exitCode = 1;
            return;
          }
          await pullAndPrint(found, transport, range, { providerUserId, userId, credentials, scopes, ...settings });
        } finally {
          await transport.close();
        }
      },
    );
}

/** A token used as the connector's auth spec says: a bearer header for OAuth and pasted tokens, the key's place for an API key. */
function tokenCredentials(connector: RuntimeConnector, token: string): Credentials {
  const auth = connector.auth;
  if (auth.type === "none" || auth.type === "partner_push")
    throw usageError(`${connector.name} takes no credentials (auth ${auth.type})`, "Leave --token out; nothing is sent with the requests.");
  const tokens: StoredTokens =
    auth.type === "api_key"
      ? { auth_type: "api_key", api_key: token, obtained_at: Date.now() }
      : { auth_type: auth.type, access_token: token, obtained_at: Date.now() };
  return fixedCredentials(auth, tokens);
}

async function passwordCredentials(
  connector: RuntimeConnector,
  transport: ProviderTransport,
  settings: { baseUrl?: string | undefined; tokenUrl?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined },
  username: string,
  password: string,
): Promise<{ credentials: Credentials; tokenResponse: Record<string, unknown> }> {
  const auth = connector.auth;
  if (auth.type !== "oauth2_password")
    throw usageError(`${connector.name} connects with ${auth.type}, not a password grant`, "Give --token with an access token instead.");
  const spec = connector.definition.spec;
  const providerSettings = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  const client = resolveOAuthClient(connector.name, auth, providerSettings);
  const endpoint = createTokenEndpoint({ provider: connector.name, spec, auth, settings: providerSettings, client, transport });
  const tokenResponse = await endpoint.passwordGrant(username, password);
  return { credentials: fixedCredentials(auth, storedTokensFrom("oauth2_password", tokenResponse, Date.now())), tokenResponse };
}
