import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

/** Prometheus text exposition of the process registry (runtime and HTTP metrics together). */
export async function metricsRoutes(app: FastifyInstance, options: { registry: Registry }): Promise<void> {
  app.get("/metrics", async (_request, reply) => {
    const text = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(text);
  });
}
