import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { PROBLEM_CONTENT_TYPE, problemAt } from "../api/problem.ts";
import { ErrorCodes } from "../errors/codes.ts";

/**
 * Requests Node refuses before a route sees them — a client too slow to send its request, headers over
 * Node's size limit, bytes that are not HTTP — answered in Terra's problem shape with a stable code, like
 * every other error of the server (Fastify's own answer is `{error, message, statusCode}`). Node hands
 * these to the `clientError` handler with the socket only: the request's path and query, for `instance`,
 * are kept per socket from when its headers arrived until it is answered ("" when none was read).
 */
export function clientErrorAnswers(limits: { requestTimeoutSeconds: number; headersTimeoutSeconds: number }) {
  const unanswered = new WeakMap<Socket, string>();
  // As the server applies them: the headers' time is within the request's.
  const headersSeconds = Math.min(limits.requestTimeoutSeconds, limits.headersTimeoutSeconds);
  return {
    /** onRequest: the request its socket now carries. */
    received(request: FastifyRequest): void {
      unanswered.set(request.raw.socket, request.url);
    },
    /** onResponse: nothing of it is left to time out. */
    answered(request: FastifyRequest): void {
      unanswered.delete(request.raw.socket);
    },
    /** Fastify's `clientErrorHandler`: answers once, then closes the connection. */
    handler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
      // A reset connection has no one to answer.
      if (error.code === "ECONNRESET" || socket.destroyed) return;
      const [status, detail, code] =
        error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [
              408,
              `the request did not arrive in full in time: its headers are due within ${headersSeconds} s and all of it within ${limits.requestTimeoutSeconds} s (server.limits); send it at once rather than trickled`,
              ErrorCodes.REQUEST_TIMEOUT,
            ]
          : error.code === "HPE_HEADER_OVERFLOW"
            ? [431, "the request's headers are larger than the server takes (16 KiB); send fewer or shorter headers", ErrorCodes.REQUEST_HEADERS_TOO_LARGE]
            : [400, "the request is not well-formed HTTP/1.1", ErrorCodes.REQUEST_MALFORMED];
      this.log.debug({ err: error.message, code: error.code, status }, "client error");
      if (socket.writable) {
        const body = JSON.stringify(problemAt(unanswered.get(socket) ?? "", status, detail, code));
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}
