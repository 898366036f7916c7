import type { FastifyReply } from "fastify";

/** A status, headers and a body (JSON unless text or bytes): what every mock route answers. */
export interface MockAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export function sendAnswer(reply: FastifyReply, answer: MockAnswer): FastifyReply {
  reply.code(answer.status);
  if (answer.headers) reply.headers(answer.headers);
  if (answer.body === undefined) return reply.send();
  if (typeof answer.body === "string" || Buffer.isBuffer(answer.body)) return reply.send(answer.body);
  return reply.type("application/json; charset=utf-8").send(JSON.stringify(answer.body));
}
