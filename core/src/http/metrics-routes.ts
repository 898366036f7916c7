import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { Logger } from "../log/logger.ts";
import { metricsScraper } from "../observability/cluster-metrics.ts";

/** Prometheus text exposition of the runtime and HTTP metrics (of every process under `--processes N`). */
export async function metricsRoutes(app: FastifyInstance, options: { registry: Registry }): Promise<void> {
  const scrape = metricsScraper(options.registry, app.log as Logger);
  app.get("/metrics", async (_request, reply) => {
    const answer = await scrape();
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });
}
