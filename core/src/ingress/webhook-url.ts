/** The route a provider's pushes and subscription handshakes arrive at. */
export const WEBHOOK_ROUTE = "/hooks/:provider";

/**
 * The callback URL given to a provider for its pushes (`{webhook_url}` in a spec's requests: Withings
 * subscribes each user's notifications to it): the server's public URL and the provider's hook path.
 */
export const providerWebhookUrl = (publicUrl: string, provider: string): string => `${publicUrl.replace(/\/+$/, "")}/hooks/${provider}`;
