import { Agent, request } from "node:http";

/** A keep-alive HTTP POST with no body parsing: the load generator must cost as little CPU as possible. */
export function createPoster(url: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const target = new URL(url);
  const post = (body: Buffer, headers: Record<string, string>): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          method: "POST",
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          headers: { ...headers, "content-length": String(body.length) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
