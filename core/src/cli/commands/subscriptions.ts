import type { Command } from "commander";
import { loadConfigWithPlugins } from "../../config/load-config.ts";
import { createLogger } from "../../log/logger.ts";
import { createUndiciTransport } from "../../provider-http/undici-transport.ts";
import type { ProviderTransport } from "../../provider-http/transport.ts";
import type { PluginRegistry } from "../../registry/plugin-registry.ts";
import {
  checkSubscriptions,
  createSubscriptions,
  deleteSubscriptions,
  renewSubscriptions,
  subscriptionSpecOf,
  type ListedSubscription,
  type SubscriptionTarget,
} from "../../subscriptions/app-subscriptions.ts";
import { subscriptionTarget } from "../../subscriptions/subscription-target.ts";
import { usageError, usageErrorsExitTwo } from "./connector-target.ts";

export interface SubscriptionsCommandDeps {
  env?: Readonly<Record<string, string | undefined>>;
  createRegistry?: () => PluginRegistry;
  /** Carries the provider requests (undici; a test's own). */
  transport?: ProviderTransport;
  now?: () => number;
  out?: (line: string) => void;
  err?: (line: string) => void;
  setExitCode?: (code: number) => void;
}

const ACTIONS = ["create", "show", "delete", "renew"] as const;
type Action = (typeof ACTIONS)[number];

/**
 * `tributary subscriptions create|show|delete|renew <provider>`: the application's subscription to a
 * provider's pushes (`webhook.subscription` in its spec), made with the operator's OAuth client for
 * `<publicUrl>/hooks/<NAME>` — the server must be reachable there, as the provider checks the callback
 * (a handshake, a ping) before it answers. `create` prints what to configure from the answer; `show`
 * lists and checks (exit 1 when a subscription is missing, expired, or not the configured one).
 */
export function registerSubscriptionsCommand(program: Command, deps: SubscriptionsCommandDeps = {}): Command {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const setExitCode = deps.setExitCode ?? ((code: number) => void (process.exitCode = code));
  const now = deps.now ?? Date.now;

  const perform = async (action: Action, provider: string, command: Command): Promise<void> => {
    const options = command.optsWithGlobals<{ config?: string; id?: string; all?: boolean }>();
    const { config, registry } = await loadConfigWithPlugins({
      path: options.config,
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.createRegistry ? { registry: deps.createRegistry() } : {}),
    });
    const name = provider.toUpperCase();
    if (!registry.hasConnector(name))
      throw usageError(
        `unknown provider ${JSON.stringify(provider)}`,
        `Loaded providers: ${
          registry
            .connectors()
            .map((c) => c.name)
            .join(", ") || "none"
        }.`,
      );
    const spec = registry.connector(name).definition.spec;
    subscriptionSpecOf(spec);
    const transport = deps.transport ?? createUndiciTransport();
    const target = subscriptionTarget({
      spec,
      settings: config.providers[name],
      publicUrl: config.server.publicUrl,
      transport,
      log: createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr }),
    });
    try {
      const ok = await run(action, target, {
        id: options.id,
        all: options.all === true,
        configured: config.providers[name]?.options ?? {},
        now: now(),
        out,
        err,
      });
      setExitCode(ok ? 0 : 1);
    } finally {
      if (!deps.transport && "close" in transport) await (transport as { close(): Promise<void> }).close();
    }
  };

  const group = usageErrorsExitTwo(program.command("subscriptions"))
    .description(`the application's subscription to a provider's pushes (Strava, Polar, Oura): ${ACTIONS.join(", ")}`)
    // A word that is none of the subcommands lands here: said as the usage mistake it is.
    .usage("<create|show|delete|renew> <provider> [options]")
    .configureHelp({ showGlobalOptions: true })
    .option("-c, --config <path>", "config file (default: $TRIBUTARY_CONFIG, else ./tributary.yaml)")
    .argument("[action]")
    .argument("[provider]")
    .action((action: string | undefined) => {
      throw usageError(action === undefined ? "no action given" : `unknown action ${JSON.stringify(action)}`, `Write one of: ${ACTIONS.join(", ")}.`);
    });
  const subcommand = (action: Action, description: string): Command =>
    usageErrorsExitTwo(group.command(`${action} <provider>`))
      .description(description)
      .action((provider: string, _options: unknown, command: Command) => perform(action, provider, command));
  subcommand("create", "make the subscription (the server must answer at <publicUrl>/hooks/<NAME>) and print what to configure from the answer");
  subcommand("show", "list the provider's subscriptions and check ours (exit 1 when missing, expired or not the configured one)");
  subcommand("delete", "remove our subscription").option("--id <id>", "this subscription, whatever it posts to (default: every one posting to our callback)");
  subcommand("renew", "extend our subscriptions that expire soon").option("--all", "every subscription of ours, not only those expiring soon");
  return group;
}

interface RunOptions {
  id: string | undefined;
  all: boolean;
  configured: Readonly<Record<string, unknown>>;
  now: number;
  out: (line: string) => void;
  err: (line: string) => void;
}

async function run(action: Action, target: SubscriptionTarget, options: RunOptions): Promise<boolean> {
  const { out, err } = options;
  const name = target.spec.name;
  switch (action) {
    case "create": {
      const outcome = await createSubscriptions(target);
      for (const s of outcome.existing) out(`– ${name} subscription ${describe(s.id, s.key)} is there already, posting to ${target.webhookUrl}`);
      for (const s of outcome.created) {
        out(`✓ ${name} subscription ${describe(s.id, s.key)} made, posting to ${target.webhookUrl}`);
        for (const { setting, value } of s.settings) out(`  set providers.${name}.${setting}: ${JSON.stringify(value)}`);
      }
      if (outcome.created.some((s) => s.settings.length > 0))
        err(
          `Put ${outcome.created.length > 1 ? "these" : "this"} in the config before pushes arrive${outcome.created.some((s) => s.settings.some((x) => x.setting === "pushSecret")) ? " (the provider shows its secret only now)" : ""}.`,
        );
      return true;
    }
    case "show": {
      const check = await checkSubscriptions(target, { now: options.now, configured: options.configured });
      if (check.subscriptions.length === 0) out(`${name} has no subscription.`);
      for (const s of check.subscriptions) out(line(s, options.now));
      for (const problem of check.problems) out(`✗ ${problem}`);
      if (check.ok) out(`✓ ${name}'s pushes come to ${target.webhookUrl}`);
      return check.ok;
    }
    case "delete": {
      const deleted = await deleteSubscriptions(target, options.id !== undefined ? { id: options.id } : {});
      if (deleted.length === 0) out(`${name} has no subscription posting to ${target.webhookUrl}: nothing deleted.`);
      for (const id of deleted) out(`✓ ${name} subscription #${id} deleted`);
      return true;
    }
    case "renew": {
      const renewed = await renewSubscriptions(target, { now: options.now, all: options.all });
      if (renewed.length === 0) out(`${name}: no subscription of ours expires soon; nothing renewed.`);
      for (const s of renewed)
        out(
          `✓ ${name} subscription #${s.id} renewed${s.expiresAt !== undefined ? `: expires ${new Date(s.expiresAt).toISOString()}` : ""}${s.was !== undefined ? ` (was ${new Date(s.was).toISOString()})` : ""}`,
        );
      return true;
    }
  }
}

const describe = (id: string, key: readonly string[]): string => `#${id}${key.length > 0 ? ` (${key.join(" ")})` : ""}`;

function line(s: ListedSubscription, now: number): string {
  const expiry =
    s.expiresAt === undefined
      ? ""
      : s.expiresAt <= now
        ? `  expired ${new Date(s.expiresAt).toISOString()}`
        : `  expires ${new Date(s.expiresAt).toISOString()}`;
  return `${describe(s.id, s.key).padEnd(12)} ${s.callbackUrl ?? "(no callback)"}  ${s.ours ? "ours" : "not ours"}${expiry}`;
}
