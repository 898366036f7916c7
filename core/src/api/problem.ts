import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * An error answer as Terra gives them (RFC 9457 problem details): `type` is always `about:blank`, `title`
 * the lower-cased status text, `instance` the request's path and query, `detail` what went wrong. `code`
 * is ours (an extension member): the stable error code to search the docs and logs for.
 */
export interface Problem {
  type: "about:blank";
  title: string;
  instance: string;
  detail?: string;
  code?: string;
}

export function problemOf(request: FastifyRequest, status: number, detail?: string, code?: string): Problem {
  return problemAt(request.url, status, detail, code);
}

/** The problem of a request known by its path and query only (one Node refused before a route saw it). */
export function problemAt(instance: string, status: number, detail?: string, code?: string): Problem {
  return {
    type: "about:blank",
    title: (STATUS_CODES[status] ?? "error").toLowerCase(),
    instance,
    ...(detail !== undefined ? { detail } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, detail?: string, code?: string): FastifyReply {
  return reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemOf(request, status, detail, code)));
}
