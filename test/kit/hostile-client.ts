import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";

export interface Answer {
  /** HTTP status, or 0 when the connection was closed or reset before an answer. */
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  /** The error that ended the exchange without an answer (ECONNRESET, EPIPE, timeout). */
  error?: string;
}

export interface SendOptions {
  method?: string;
  path: string;
  body?: Buffer;
  headers?: Record<string, string>;
  /** Source address on loopback (127.0.0.2, …): each is its own "source" to the server's rate limits. */
  from?: string;
  timeoutMs?: number;
}

/**
 * HTTP requests to a server on loopback as distinct sources would send them: one keep-alive agent per
 * source address. An answer is whatever came back first — a server may answer (and close) before a
 * large body is sent, and the write error that follows is not the answer.
 */
export function createHostileClient(port: number) {
  const agents = new Map<string, Agent>();
  const agentFor = (from: string) => {
    let agent = agents.get(from);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: 64, localAddress: from });
      agents.set(from, agent);
    }
    return agent;
  };

  const send = (options: SendOptions): Promise<Answer> =>
    new Promise((resolve) => {
      const from = options.from ?? "127.0.0.1";
      let settled = false;
      const settle = (answer: Answer) => {
        if (!settled) resolve(answer);
        settled = true;
      };
      const body = options.body;
      let req: ReturnType<typeof request>;
      try {
        req = request(
          {
            host: "127.0.0.1",
            port,
            method: options.method ?? "POST",
            path: options.path,
            agent: agentFor(from),
            headers: { ...options.headers, ...(body ? { "content-length": String(body.length) } : {}) },
            timeout: options.timeoutMs ?? 30_000,
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => settle({ status: res.statusCode ?? 0, text, headers: res.headers }));
            res.on("error", () => settle({ status: res.statusCode ?? 0, text, headers: res.headers }));
          },
        );
      } catch (error) {
        // Node's client refuses to send some malformed requests at all.
        settle({ status: 0, text: "", headers: {}, error: (error as NodeJS.ErrnoException).code ?? "refused by the client" });
        return;
      }
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error: NodeJS.ErrnoException) => settle({ status: 0, text: "", headers: {}, error: error.code ?? error.message }));
      req.end(body);
    });

  /**
   * A raw connection that sends `head` (request line and headers) and then nothing, as a slow client or
   * one that promised a body it never sends; resolves with whatever the server wrote and when it closed.
   */
  const hold = (head: string, from = "127.0.0.1"): { socket: Socket; closed: Promise<{ received: string; afterMs: number }> } => {
    const started = Date.now();
    const socket = connect({ host: "127.0.0.1", port, localAddress: from });
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("error", () => undefined);
    socket.write(head);
    const closed = new Promise<{ received: string; afterMs: number }>((resolve) =>
      socket.once("close", () => resolve({ received, afterMs: Date.now() - started })),
    );
    return { socket, closed };
  };

  return { send, hold, close: () => agents.forEach((agent) => agent.destroy()) };
}

export type HostileClient = ReturnType<typeof createHostileClient>;

/** The Terra-style signature header's other spellings: each refused, or the same request (a replay). */
export function signatureSpellings(header: string): string[] {
  const [t, v1] = header.split(",");
  const timestamp = t!.slice(2);
  const hex = v1!.slice(3);
  return [
    ` ${header}`,
    `${t}, ${v1}`,
    `${header} `,
    `t=${timestamp},v1=${hex.toUpperCase()}`,
    `t=0${timestamp},${v1}`,
    `t=${timestamp}.0,${v1}`,
    `t=+${timestamp},${v1}`,
    `${v1},${t}`,
    `${header},`,
    `${header},v1=${hex}`,
    `${t},v1=${"0".repeat(64)},${v1}`,
    `${header},v0=${hex}`,
    `${t},${v1},${t}`,
    `${t};${v1}`,
  ];
}
