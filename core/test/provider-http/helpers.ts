import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import type { ConnectorSpec } from "@tributary/schemas";
import type { Credentials } from "../../src/auth/credentials.ts";
import { createProviderClient, type ProviderClient, type ProviderClientOptions } from "../../src/provider-http/provider-client.ts";
import { specBudget, TEST_REDIS_URL, uniqueBudgetPrefix } from "@tributary/test-kit";
import type { ProviderBudgetOptions } from "../../src/provider-http/provider-budget.ts";
import { createUndiciTransport, type UndiciTransport } from "../../src/provider-http/undici-transport.ts";

export { dropKeys, TEST_REDIS_URL } from "@tributary/test-kit";

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface MockProvider {
  url: string;
  app: FastifyInstance;
  /** Every request, in arrival order. */
  requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A local provider: a fastify server the test gives routes to, recording what it was asked. */
export async function startMockProvider(routes: (app: FastifyInstance) => void): Promise<MockProvider> {
  const app = fastify({ logger: false, keepAliveTimeout: 30_000 });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const requests: SeenRequest[] = [];
  let connections = 0;
  app.server.on("connection", () => (connections += 1));
  app.addHook("preHandler", async (request) => {
    const url = new URL(request.url, "http://mock");
    requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      body: request.body,
    });
  });
  routes(app);
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url: address, app, requests, connections: () => connections, close: () => app.close() };
}

/** Answer JSON with a status and headers: a one-liner for routes. */
export function reply(response: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  return response
    .status(status)
    .headers({ "content-type": "application/json", ...headers })
    .send(body === undefined ? undefined : JSON.stringify(body));
}

export type Handler = (request: FastifyRequest, response: FastifyReply) => unknown;

export interface FakeCredentials extends Credentials {
  readonly token: string;
  refreshes: number;
  applied: number;
}

/**
 * Credentials as the auth engine provides them, reduced to what the client uses: a bearer token that
 * refresh() replaces with the next one of `tokens` (false once there is none left), or rejects with `refuse`.
 */
export function fakeCredentials(
  tokens: string[] = ["token-1", "token-2", "token-3"],
  options: { refuse?: Error; refreshDelayMs?: number } = {},
): FakeCredentials {
  let index = 0;
  const credentials: FakeCredentials = {
    get token() {
      return tokens[index]!;
    },
    refreshes: 0,
    applied: 0,
    async apply(request) {
      credentials.applied += 1;
      request.headers.Authorization = `Bearer ${tokens[index]}`;
    },
    async refresh() {
      credentials.refreshes += 1;
      if (options.refreshDelayMs) await new Promise((resolve) => setTimeout(resolve, options.refreshDelayMs));
      if (options.refuse) throw options.refuse;
      if (index + 1 >= tokens.length) return false;
      index += 1;
      return true;
    },
    async variables() {
      return { access_token: tokens[index]! };
    },
  };
  return credentials;
}

/** A Redis prefix of a test's own (the test kit's). */
export const uniquePrefix = (): string => uniqueBudgetPrefix("ph");

type SpecInput = Pick<ConnectorSpec, "name" | "http" | "options">;

/** A connector spec's http section pointed at a mock. */
export function specFor(baseUrl: string, http: Partial<NonNullable<ConnectorSpec["http"]>> = {}, name = "MOCKPROV"): SpecInput {
  return { name, http: { baseUrl, ...http } };
}

export interface ClientSetup {
  client: ProviderClient;
  transport: UndiciTransport;
  close(): Promise<void>;
}

/** A client on a real undici transport, with a Redis budget when the spec has rate limits or a redis is given. */
export function clientFor(
  spec: SpecInput,
  options: Partial<Omit<ProviderClientOptions, "budget">> & { redis?: Redis; prefix?: string; budgetOptions?: Partial<ProviderBudgetOptions> } = {},
): ClientSetup {
  const transport = createUndiciTransport();
  const { redis, prefix, budgetOptions, ...clientOptions } = options;
  const budget = redis ? specBudget(redis, spec, { prefix: prefix ?? uniquePrefix(), ...budgetOptions }) : undefined;
  const client = createProviderClient({ spec, transport, budget, retryBackoffMs: 10, ...clientOptions });
  return { client, transport, close: () => transport.close() };
}

export function testRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
}
