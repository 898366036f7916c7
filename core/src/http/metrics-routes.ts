import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { metricsSource } from "../observability/cluster-metrics.ts";

/** Prometheus text exposition of the runtime and HTTP metrics (of every process under `--processes N`). */
export async function metricsRoutes(app: FastifyInstance, options: { registry: Registry }): Promise<void> {
  const metrics = metricsSource(options.registry);
  app.get("/metrics", async (request, reply) => {
    let text: string;
    try {
      text = await metrics();
    } catch (error) {
      request.log.warn({ err: (error as Error).message }, "metrics scrape failed");
      return reply.code(503).send({ status: "error", message: (error as Error).message });
    }
    return reply.type(options.registry.contentType).send(text);
  });
}
