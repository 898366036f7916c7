import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { FastifyInstance } from "fastify";
import type { ProducerQueues } from "../queue/producer-queues.ts";

export const ADMIN_QUEUES_PATH = "/admin/queues";

/**
 * The bull-board dashboard over the three queues. It uses the producer queues, so with Redis down the
 * dashboard's requests fail at once instead of hanging. Register it inside a scope that has the API-key
 * guard.
 */
export async function adminQueues(app: FastifyInstance, options: { producer: ProducerQueues }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  const { producer } = options;
  createBullBoard({
    queues: producer.all().map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Tributary" } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: ADMIN_QUEUES_PATH });
}
