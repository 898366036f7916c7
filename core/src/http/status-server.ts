import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { RedisClient } from "../queue/redis-client.ts";
import type { Registry } from "prom-client";
import type { Logger } from "../log/logger.ts";
import { metricsScraper } from "../observability/cluster-metrics.ts";
import type { StateStore } from "../state/index.ts";
import { checkReadiness } from "./readiness.ts";

export interface StatusServerOptions {
  registry: Registry;
  redis: RedisClient;
  store: StateStore;
  log: Logger;
  host: string;
  port: number;
}

export interface StatusServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics`, `/health/live` and `/health/ready` for a worker process, which serves no API: the job,
 * delivery, retry, dead-letter, quarantine and freshness metrics are counted where the jobs run. Plain
 * node:http, so a worker does not load the API's server and dashboard for three read-only routes.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const scrape = metricsScraper(options.registry, options.log);
  const json = (status: number, body: unknown) => ({ status, type: "application/json; charset=utf-8", text: JSON.stringify(body) });
  const answer = async (method: string, path: string): Promise<{ status: number; type: string; text: string }> => {
    if (method !== "GET" && method !== "HEAD") return json(405, { status: "error", message: "method not allowed" });
    if (path === "/health/live") return json(200, { status: "ok", pid: process.pid });
    if (path === "/health/ready") {
      const { ready, checks } = await checkReadiness({ redis: options.redis, store: options.store, timeoutMs: 1000, log: options.log });
      return json(ready ? 200 : 503, { status: ready ? "ok" : "error", checks });
    }
    if (path === "/metrics") {
      const answer = await scrape();
      return { status: answer.status, type: answer.contentType, text: answer.body };
    }
    return json(404, { status: "error", message: "not found" });
  };
  const server = createServer((request, response) => {
    answer(request.method ?? "GET", (request.url ?? "/").split("?")[0]!).then(
      ({ status, type, text }) => response.writeHead(status, { "content-type": type }).end(request.method === "HEAD" ? undefined : text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => (server.closeIdleConnections(), server.close(() => resolve()))),
  };
}
