import type { ConnectorSpec } from "@tributary/schemas";
import { providerWebhookUrl } from "../ingress/webhook-url.ts";
import type { Logger } from "../log/logger.ts";
import { createProviderClient, type ProviderClient } from "../provider-http/provider-client.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { SubscriptionTarget } from "./app-subscriptions.ts";

/** What of providers.<NAME> the subscription requests use. */
export interface SubscriptionSettings {
  clientId?: unknown;
  clientSecret?: unknown;
  baseUrl?: string | undefined;
  verifyToken?: unknown;
  options?: Record<string, unknown> | undefined;
}

export interface SubscriptionTargetOptions {
  spec: ConnectorSpec;
  /** providers.<NAME>: the client, baseUrl, verifyToken and options. */
  settings: SubscriptionSettings | undefined;
  publicUrl: string;
  /** A client of the provider already made (the runtime's, with its rate budget); else one is made over `transport`. */
  client?: ProviderClient;
  transport?: ProviderTransport;
  log?: Logger;
}

/**
 * The application's side of a provider for its subscription requests: the operator's client, no user
 * credentials, and the variables those requests use — our callback and the verify token.
 */
export function subscriptionTarget(options: SubscriptionTargetOptions): SubscriptionTarget {
  const { spec, settings } = options;
  const client =
    options.client ??
    createProviderClient({
      spec,
      settings: { baseUrl: settings?.baseUrl, clientId: settings?.clientId, clientSecret: settings?.clientSecret, options: settings?.options },
      transport: options.transport!,
      ...(options.log ? { log: options.log } : {}),
      // Nobody else shares this process's requests: wait out a provider's Retry-After here.
      maxInProcessWaitMs: 60_000,
    });
  const url = providerWebhookUrl(options.publicUrl, spec.name);
  const verifyToken = typeof settings?.verifyToken === "string" && settings.verifyToken !== "" ? settings.verifyToken : undefined;
  const session = client.session({ variables: { webhook_url: url, ...(verifyToken !== undefined ? { verify_token: verifyToken } : {}) } });
  return { spec, session, webhookUrl: url };
}
