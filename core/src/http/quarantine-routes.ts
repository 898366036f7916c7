import type { FastifyInstance } from "fastify";
import type { RuntimeContext } from "../runtime/runtime-context.ts";

interface ListQuery {
  user_id?: string;
  data_type?: string;
  limit?: string;
  include_resolved?: string;
}

/**
 * Records that failed validation: never delivered, never dropped. Operators see why (the issues), the
 * normalized record and the provider's raw payload, to fix the connector's mapping.
 */
export async function quarantineRoutes(app: FastifyInstance, options: { ctx: RuntimeContext }): Promise<void> {
  const { ctx } = options;
  app.get("/admin/quarantine", async (request, reply) => {
    const query = request.query as ListQuery;
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return reply.code(400).send({ status: "error", message: "limit must be an integer from 1 to 1000" });
    }
    const filter = {
      ...(query.user_id ? { userId: query.user_id } : {}),
      ...(query.data_type ? { dataType: query.data_type } : {}),
      includeResolved: query.include_resolved === "true",
    };
    const [records, total] = await Promise.all([ctx.store.listQuarantine({ ...filter, limit }), ctx.store.countQuarantine(filter)]);
    return { status: "ok", total, records };
  });
}
