import type { RedisClient } from "../queue/redis-client.ts";
import { createAuthService, type AuthService } from "../auth/auth-service.ts";
import type { Credentials } from "../auth/credentials.ts";
import { sendThroughClient } from "../auth/send-through-client.ts";
import type { Logger } from "../log/logger.ts";
import { createProviderClient, type ProviderClient, type ProviderSession, type ProviderWaitReason } from "../provider-http/provider-client.ts";
import { providerBudget } from "../provider-http/provider-budget.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import type { Connection, StateStore } from "../state/index.ts";
import type { RuntimeConnector } from "./runtime-connector.ts";

export interface ProviderAccessOptions {
  registry: PluginRegistry;
  providers: Readonly<Record<string, ProviderSettings>>;
  store: StateStore;
  /** Rate budgets and refresh locks: shared by every process of the deployment. */
  redis: RedisClient;
  /** The deployment's key prefix (the queue prefix): budgets live beside the queues they pace. */
  prefix: string;
  /** Carries provider and token requests: undici in production, recordings or a mock's in tests. */
  transport: ProviderTransport;
  /** The OAuth callback URL registered with each provider. */
  redirectUri: (provider: string) => string;
  /** Where each provider pushes (`{webhook_url}` of its requests). */
  webhookUrl: (provider: string) => string;
  log: Logger;
  /** Longer waits (rate budget, Retry-After) are handed to the job as a ProviderWaitError. @default 1000 */
  maxInProcessWaitMs?: number;
  /** First retry backoff of provider requests. @default 250 */
  retryBackoffMs?: number;
  /** Told of every in-process wait of a provider's requests once it ends (for the wait metric). */
  onWait?: (provider: string, ms: number, reason: ProviderWaitReason) => void;
  /** Told when a worker loses a refresh or account lock while it works (for the lost-lock metric). */
  onLockLost?: (lock: string) => void;
}

/**
 * How the runtime reaches providers: one provider client per connector (the operator's baseUrl, client
 * id and options applied; its rate budget taken per request, across every worker through Redis), and
 * the auth service that connects users and hands out each connection's credentials.
 */
export interface ProviderAccess {
  readonly auth: AuthService;
  /** The connector's provider client; undefined when its spec makes no provider requests (no http section). */
  client(connector: RuntimeConnector): ProviderClient | undefined;
  /** A session for one connection: its credentials and template variables. Undefined without a client. */
  session(connector: RuntimeConnector, connection: Connection, signal?: AbortSignal): Promise<ProviderSession | undefined>;
}

export function createProviderAccess(options: ProviderAccessOptions): ProviderAccess {
  const clients = new Map<string, ProviderClient>();
  const settingsOf = (provider: string) => options.providers[provider];

  const client = (connector: RuntimeConnector): ProviderClient | undefined => {
    const spec = connector.definition.spec;
    if (!spec.http) return undefined;
    let found = clients.get(connector.name);
    if (!found) {
      const settings = settingsOf(connector.name);
      found = createProviderClient({
        spec,
        settings: {
          baseUrl: settings?.baseUrl as string | undefined,
          clientId: settings?.clientId,
          clientSecret: settings?.clientSecret,
          options: settings?.options as Record<string, unknown> | undefined,
        },
        transport: options.transport,
        budget: providerBudget({
          redis: options.redis,
          prefix: options.prefix,
          provider: connector.name,
          clientId: settings?.clientId,
          rateLimits: spec.http.rateLimits,
          rateLimitHeaders: spec.http.rateLimitHeaders,
          operatorLimit: settings?.rateLimit,
        }),
        log: options.log,
        ...(options.maxInProcessWaitMs !== undefined ? { maxInProcessWaitMs: options.maxInProcessWaitMs } : {}),
        ...(options.retryBackoffMs !== undefined ? { retryBackoffMs: options.retryBackoffMs } : {}),
        ...(options.onWait ? { onWait: (ms: number, reason: ProviderWaitReason) => options.onWait!(connector.name, ms, reason) } : {}),
      });
      clients.set(connector.name, found);
    }
    return found;
  };

  const auth = createAuthService({
    specOf: (provider) => (options.registry.hasConnector(provider) ? options.registry.connector(provider).definition.spec : undefined),
    providers: options.providers,
    store: options.store,
    redis: options.redis,
    transport: options.transport,
    keyPrefix: options.prefix,
    redirectUri: options.redirectUri,
    log: options.log,
    ...(options.onLockLost ? { onLockLost: options.onLockLost } : {}),
    send: async (request, credentials, context) => {
      const found = client(options.registry.connector(context.provider));
      if (!found) throw new Error(`${context.provider} has no http section: it makes no provider requests`);
      return sendThroughClient(found, { webhook_url: options.webhookUrl(context.provider) })(request, credentials, context);
    },
  });

  const credentialsOf = async (connector: RuntimeConnector, connection: Connection): Promise<Credentials | undefined> =>
    connector.auth.type === "none" ? undefined : auth.credentialsFor(connection);

  return {
    auth,
    client,
    async session(connector, connection, signal) {
      const found = client(connector);
      if (!found) return undefined;
      return found.session({
        userId: connection.user_id,
        credentials: await credentialsOf(connector, connection),
        variables: {
          webhook_url: options.webhookUrl(connector.name),
          user_id: connection.user_id,
          ...(connection.provider_user_id ? { provider_user_id: connection.provider_user_id } : {}),
          ...(connection.reference_id ? { reference_id: connection.reference_id } : {}),
        },
        ...(signal ? { signal } : {}),
      });
    },
  };
}
