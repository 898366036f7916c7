import type { Logger } from "../log/logger.ts";
import type { StateStore } from "../state/index.ts";
import type { AccountLock } from "./account-lock.ts";
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
  /** Held while a connect registers an account, and while a disconnect decides whether it deregisters it. */
  accountLock: AccountLock;
}
