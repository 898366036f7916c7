import type { ConnectorSpec } from "@tributary/schemas";
import type { Redis } from "ioredis";
import type { Logger } from "../log/logger.ts";
import { createProviderClient, type ProviderClient } from "../provider-http/provider-client.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import type { StateStore } from "../state/index.ts";
import { createAuthService, type AuthService } from "./auth-service.ts";
import type { SendProviderRequest } from "./send-provider-request.ts";

export interface AppAuthServiceOptions {
  specOf: (provider: string) => ConnectorSpec | undefined;
  providers: Readonly<Record<string, ProviderSettings>>;
  store: StateStore;
  redis: Redis;
  transport: ProviderTransport;
  /** The server's public URL: provider callbacks are `${publicUrl}/auth/callback/<provider>`. */
  publicUrl: string;
  keyPrefix: string;
  log: Logger;
}

/** The path a provider redirects its users back to; one per provider (the session is bound to it). */
export const authCallbackPath = (provider: string): string => `/auth/callback/${provider.toLowerCase()}`;

/**
 * The auth service of a deployment: provider calls it makes (the account request, lifecycle, revoke) go
 * through each provider's client — its spec's base URL (or the operator's), auth and response rules.
 */
export function createAppAuthService(options: AppAuthServiceOptions): AuthService {
  const base = options.publicUrl.replace(/\/+$/, "");
  const clients = new Map<string, ProviderClient>();
  const clientOf = (provider: string): ProviderClient => {
    let client = clients.get(provider);
    if (client === undefined) {
      const spec = options.specOf(provider);
      if (spec === undefined) throw new TypeError(`no connector spec for ${provider}`);
      const settings = options.providers[provider];
      client = createProviderClient({
        spec,
        settings: settings && {
          baseUrl: typeof settings.baseUrl === "string" ? settings.baseUrl : undefined,
          clientId: settings.clientId,
          clientSecret: settings.clientSecret,
          options: isRecord(settings.options) ? settings.options : undefined,
        },
        transport: options.transport,
        log: options.log,
      });
      clients.set(provider, client);
    }
    return client;
  };
  const send: SendProviderRequest = async (request, credentials, context) => {
    const session = clientOf(context.provider).session({ userId: context.variables.user_id ?? undefined, credentials, variables: context.variables });
    const answer = await session.send(request);
    const body = answer.body === undefined ? answer.raw.toString("utf8") : (answer.body ?? "");
    return { status: answer.status, headers: { ...answer.headers }, body };
  };
  return createAuthService({
    specOf: options.specOf,
    providers: options.providers,
    store: options.store,
    redis: options.redis,
    transport: options.transport,
    send,
    redirectUri: (provider) => `${base}${authCallbackPath(provider)}`,
    keyPrefix: options.keyPrefix,
    log: options.log,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
