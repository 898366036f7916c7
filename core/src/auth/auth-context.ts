import type { Logger } from "../log/logger.ts";
import type { StateStore } from "../state/index.ts";
import type { ProviderAuth } from "./provider-auth.ts";
import type { SendProviderRequest } from "./send-provider-request.ts";

/** What the connect flows share, built once by `createAuthService`. */
export interface AuthContext {
  store: StateStore;
  send: SendProviderRequest;
  log: Logger;
  now: () => number;
  providerAuth: (provider: string) => ProviderAuth;
  redirectUri: (provider: string) => string;
  sessionTtlSeconds: number | undefined;
}
