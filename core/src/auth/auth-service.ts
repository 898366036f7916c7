import type { ConnectorSpec } from "@tributary/schemas";
import type { RedisClient } from "../queue/redis-client.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { ProviderSettings } from "../runtime/runtime-context.ts";
import type { Connection, StateStore } from "../state/index.ts";
import type { AuthContext } from "./auth-context.ts";
import type { AuthOutcome } from "./auth-outcome.ts";
import {
  beginAuthorization,
  completeAuthorization,
  type AuthorizationStart,
  type BeginAuthorizationInput,
  type CompleteAuthorizationInput,
} from "./authorization-flow.ts";
import { authMethodFor } from "./auth-methods.ts";
import { createAccountLock } from "./account-lock.ts";
import { createConnectionCredentials } from "./connection-credentials.ts";
import type { Credentials } from "./credentials.ts";
import { connectWithPassword, connectWithToken, type ConnectWithPasswordInput, type ConnectWithTokenInput } from "./direct-connect.ts";
import { revokeConnection, type RevokeReport } from "./disconnect-connection.ts";
import { createProviderAuthResolver } from "./provider-auth.ts";
import { createRedisLock } from "./redis-lock.ts";
import type { SendProviderRequest } from "./send-provider-request.ts";

export interface AuthServiceOptions {
  /** The connector spec of a provider (by its Terra name); undefined for unknown providers. */
  specOf: (provider: string) => ConnectorSpec | undefined;
  /** Operator settings per provider: `clientId`, `clientSecret`, `baseUrl`, `options`, `enabled`. */
  providers: Readonly<Record<string, ProviderSettings>>;
  store: StateStore;
  /** Holds the refresh locks; every process of a deployment must share it. */
  redis: RedisClient;
  /** Carries token requests (the provider client's transport: undici, recordings, a mock). */
  transport: ProviderTransport;
  /** Makes provider API calls for the provider user id, lifecycle and revoke requests. */
  send: SendProviderRequest;
  /** The callback URL registered with the provider, e.g. `${publicUrl}/auth/callback/strava`. */
  redirectUri: (provider: string) => string;
  /** Redis key prefix of the deployment. @default "tributary" */
  keyPrefix?: string;
  log?: Logger;
  /** Token request timeout. @default 15000 */
  tokenTimeoutMs?: number;
  /** Auth session lifetime. @default 900 (Terra's) */
  sessionTtlSeconds?: number;
  /** Clock for token expiry, in epoch milliseconds. @default Date.now */
  now?: () => number;
  /**
   * How long a connect or disconnect waits while another one of the same provider account is at the
   * provider, before it fails with ERR_AUTH_ACCOUNT_BUSY. @default 30000
   */
  accountLockWaitMs?: number;
  /**
   * How long the refresh lock of a worker that died blocks the connection's refreshes (a live worker's
   * is renewed while it refreshes). @default twice the token request timeout
   */
  refreshLockTtlMs?: number;
  /** Told when a worker loses a lock (`refresh`, `account`) while it works, for the lost-lock metric. */
  onLockLost?: (lock: string) => void;
}

/**
 * What the connect widget and the REST API call to connect and disconnect users, and what the provider
 * client calls for a connection's credentials. Connect calls resolve with an AuthOutcome — a failure
 * the user caused or can retry is an outcome, not an exception; they throw only when the caller asked
 * for the wrong flow (ERR_AUTH_FLOW), the provider is unknown or disabled, or the OAuth client is not
 * configured (ERR_AUTH_CLIENT) before anything started.
 */
export interface AuthService {
  /** Authorization code flow, step 1: a session (state, PKCE verifier kept encrypted) and the consent URL. */
  beginAuthorization(input: BeginAuthorizationInput): Promise<AuthorizationStart>;
  /** Step 2, from the provider's redirect: spends the session, exchanges the code, stores the connection. */
  completeAuthorization(input: CompleteAuthorizationInput): Promise<AuthOutcome>;
  /** Password grant: the password goes to the provider once and is never stored or logged. */
  connectWithPassword(input: ConnectWithPasswordInput): Promise<AuthOutcome>;
  /** A pasted bearer token or API key, checked with the spec's account request when it has one. */
  connectWithToken(input: ConnectWithTokenInput): Promise<AuthOutcome>;
  /** The credentials of a stored connection, for one job (they refresh themselves; see Credentials). */
  credentialsFor(connection: Connection | string): Promise<Credentials>;
  /** Lifecycle disconnect requests and token revocation at the provider (best effort), then drops the tokens. */
  revoke(connection: Connection | string): Promise<RevokeReport>;
}

const DEFAULT_TOKEN_TIMEOUT_MS = 15_000;
const DEFAULT_EXPIRY_BUFFER_SECONDS = 300;
const DEFAULT_ACCOUNT_LOCK_WAIT_MS = 30_000;
/** A few provider requests (registration, subscription, revocation) at their timeouts, and a transaction; renewed while they run. */
const ACCOUNT_LOCK_TTL_MS = 5 * 60_000;

export function createAuthService(options: AuthServiceOptions): AuthService {
  const tokenTimeoutMs = options.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  const keyPrefix = options.keyPrefix ?? "tributary";
  const log = options.log ?? silentLogger();
  const lockOptions = { log, ...(options.onLockLost ? { onLost: options.onLockLost } : {}) };
  const refreshLock = createRedisLock(options.redis, { name: "refresh", ...lockOptions });
  const ctx: AuthContext = {
    store: options.store,
    send: options.send,
    log,
    now: options.now ?? Date.now,
    providerAuth: createProviderAuthResolver({ specOf: options.specOf, providers: options.providers, transport: options.transport, tokenTimeoutMs }),
    redirectUri: options.redirectUri,
    sessionTtlSeconds: options.sessionTtlSeconds,
    accountLock: createAccountLock(createRedisLock(options.redis, { name: "account", ...lockOptions }), {
      keyPrefix,
      ttlMs: ACCOUNT_LOCK_TTL_MS,
      waitMs: options.accountLockWaitMs ?? DEFAULT_ACCOUNT_LOCK_WAIT_MS,
      log,
    }),
  };

  const connectionOf = async (connection: Connection | string): Promise<Connection> => {
    if (typeof connection !== "string") return connection;
    const found = await options.store.getConnection(connection);
    if (found === undefined)
      throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `no connection with user_id ${connection}`, { details: { userId: connection } });
    return found;
  };

  const credentialsOf = (connection: Connection): Credentials => {
    const provider = ctx.providerAuth(connection.provider);
    return createConnectionCredentials({
      userId: connection.user_id,
      provider: connection.provider,
      // The method the connection was made with (its stored tokens say which): a pasted token is sent as
      // the token method says and never refreshed, whatever the main method is.
      methodOf: (tokens) => {
        const auth = authMethodFor(provider.auth, tokens?.auth_type);
        const oauth = auth.type === "oauth2" || auth.type === "oauth2_password";
        return {
          auth,
          tokenEndpoint: () => provider.tokenEndpoint(auth),
          expiryBufferMs: (oauth ? (auth.expiryBufferSeconds ?? DEFAULT_EXPIRY_BUFFER_SECONDS) : 0) * 1000,
          refreshMode: oauth ? (auth.refresh ?? "rotating") : "none",
        };
      },
      store: options.store,
      lock: refreshLock,
      lockKey: `${keyPrefix}:auth:refresh:${connection.user_id}`,
      // Renewed while the refresh runs; twice the token request's timeout besides, so that a renewal
      // late behind a busy event loop does not lose it either.
      lockTtlMs: options.refreshLockTtlMs ?? 2 * tokenTimeoutMs,
      log,
      now: ctx.now,
    });
  };

  return {
    beginAuthorization: (input) => beginAuthorization(ctx, input),
    completeAuthorization: (input) => completeAuthorization(ctx, input),
    connectWithPassword: (input) => connectWithPassword(ctx, input),
    connectWithToken: (input) => connectWithToken(ctx, input),
    credentialsFor: async (connection) => credentialsOf(await connectionOf(connection)),
    async revoke(connection) {
      const row = await connectionOf(connection);
      return revokeConnection(ctx, row, credentialsOf(row));
    },
  };
}
