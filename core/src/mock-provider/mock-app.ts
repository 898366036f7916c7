import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";

/** One request the mock received, for tests to assert on (paging ended, one refresh, a 429 honoured). */
export interface MockRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  at: number;
}

export interface MockApp {
  readonly app: FastifyInstance;
  readonly requests: MockRequestLogEntry[];
  /** Listens (port 0 = any free port) and returns the origin, e.g. "http://127.0.0.1:4321". */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** The origin once listening. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A fastify instance set up the way the mock kit's building blocks expect: JSON and form bodies parsed,
 * every request logged. Register the OAuth server, budgets and routes on `app` before `listen`.
 */
export function createMockApp(options: { logger?: boolean } = {}): MockApp {
  const app = Fastify({ logger: options.logger ?? false, exposeHeadRoutes: true });
  void app.register(formbody);
  // Bodies of any other type reach the routes as bytes instead of a 415.
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  const requests: MockRequestLogEntry[] = [];
  app.addHook("onResponse", async (request, reply) => {
    const url = new URL(request.url, "http://mock");
    requests.push({ method: request.method, path: url.pathname, query: queryRecord(url.searchParams), status: reply.statusCode, at: Date.now() });
  });
  let origin: string | undefined;
  return {
    app,
    requests,
    async listen({ port = 0, host = "127.0.0.1" } = {}) {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === "string") throw new Error("the mock is not listening on a TCP port");
      origin = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
      return origin;
    },
    get origin() {
      if (origin === undefined) throw new Error("the mock is not listening yet: call listen() first");
      return origin;
    },
    close: () => app.close(),
  };
}

/** Query parameters as a record; a repeated name becomes an array. */
export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = out[name];
    out[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
