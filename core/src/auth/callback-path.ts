/** The path a provider redirects its users back to; one per provider (the session is bound to it). */
export const authCallbackPath = (provider: string): string => `/auth/callback/${provider.toLowerCase()}`;

/** The redirect URI registered with a provider: the server's public URL and the provider's callback path. */
export const authRedirectUri = (publicUrl: string, provider: string): string => `${publicUrl.replace(/\/+$/, "")}${authCallbackPath(provider)}`;
