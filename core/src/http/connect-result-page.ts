import type { FastifyInstance } from "fastify";

export const CONNECT_RESULT_PATH = "/connect/result";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * Where a user lands after connecting when the developer gave no redirect URL of its own: a plain page
 * saying how it went. No script, no external resources; the parameters are shown escaped.
 */
export async function connectResultPage(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { status?: string; resource?: string } }>(CONNECT_RESULT_PATH, async (request, reply) => {
    const ok = request.query.status !== "failure";
    const provider = escapeHtml((request.query.resource ?? "").slice(0, 64));
    const heading = ok ? "Connected" : "Not connected";
    const text = ok
      ? `Your ${provider || "account"} is connected. You can close this window.`
      : `Your ${provider || "account"} could not be connected. Close this window and try again.`;
    return reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
      .header("cache-control", "no-store")
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${heading}</title>` +
          `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1.5rem;color:#1b1b1b;line-height:1.5}h1{font-size:1.6rem}</style></head>` +
          `<body><main><h1>${heading}</h1><p>${text}</p></main></body></html>`,
      );
  });
}
