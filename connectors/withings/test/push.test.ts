import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkWebhookVerification } from "@tributary/core/ingress";
import { readPush } from "@tributary/core/authoring";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { connectorRun, payloadOutline } from "@tributary/test-kit/connector";
import { CONNECTOR_DIR, INES, RECORDINGS_DIR, withings, withingsFixtures } from "./withings.ts";

const definition = withings();
const webhook = definition.spec.webhook!;

/**
 * Withings' pushes as Withings sends them: a HEAD probe of the callback before a subscription holds, then
 * unsigned application/x-www-form-urlencoded POSTs naming the user, the category (appli) and a span or a
 * day — no data, so each becomes a pull of the notified window with the user's own token.
 */
describe("WITHINGS pushes", () => {
  it("the mock probes the callback with HEAD, then posts each example form-encoded; each selects its pull", async () => {
    const mock = await startMockProvider(definition.spec, await withingsFixtures(definition));
    const seen: Array<{ method: string; type?: string; body?: string }> = [];
    const server = createServer(async (request, response) => {
      const raw = (await readBody(request)).toString("utf8");
      seen.push({
        method: request.method!,
        ...(request.headers["content-type"] ? { type: request.headers["content-type"] } : {}),
        ...(raw ? { body: raw } : {}),
      });
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/WITHINGS`;

    const handshakes = await mock.handshake(callback);
    expect(handshakes.map((h) => h.ok)).toEqual([true]);
    for (let i = 0; i < webhook.examples!.length; i++) expect((await mock.pushExample(callback, i, { secret: "" })).status).toBe(200);

    expect(seen[0]).toEqual({ method: "HEAD" });
    const posts = seen.slice(1);
    expect(posts.map((p) => p.type)).toEqual(Array(3).fill("application/x-www-form-urlencoded"));
    expect(posts[0]!.body).toBe("userid=31873629&appli=1&startdate=1772433900&enddate=1772433901");
    const notifications = posts.map((p) => readPush(webhook, Object.fromEntries(new URLSearchParams(p.body))));
    expect(notifications.map(([n]) => [n!.providerUserId, n!.eventType, n!.action])).toEqual([
      [INES, "1", { action: "pull_window", dataType: "body", start: "/startdate", end: "/enddate" }],
      [INES, "44", { action: "pull_window", dataType: "sleep", start: "/startdate", end: "/enddate" }],
      [INES, "16", { action: "pull_window", dataType: ["daily", "activity"], date: "/date", when: { "/startdate": null } }],
    ]);
  });

  it("passes the ingress's verification checks for an unsigned provider", () => {
    const checks = checkWebhookVerification(definition);
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(checks.length).toBeGreaterThan(0);
  });

  it("an activity notification with a span pulls the span's Daily and workouts; a category we do not subscribe to is acknowledged and ignored", () => {
    const [span] = readPush(webhook, { userid: INES, appli: "16", startdate: "1772409600", enddate: "1772496000" });
    expect(span!.action).toEqual({ action: "pull_window", dataType: ["daily", "activity"], start: "/startdate", end: "/enddate" });
    const [bedIn] = readPush(webhook, { userid: INES, appli: "50", startdate: "1772409600", enddate: "1772409601" });
    expect(bedIn!.action).toMatchObject({ action: "ignore" });
  });

  it("`tributary connector run --pushes` over the recordings pulls what each example notification names", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true });
    expect(run.code, run.stderr).toBe(0);
    expect(payloadOutline(run)).toEqual([
      // appli 1: the weighing's day (her Paris day: the zone probe runs first); appli 44: the night that ended on the 2nd; appli 16: the days 2–3 and the run of the 3rd.
      ["body", ["2026-03-02T00:00:00.000000+01:00"]],
      ["sleep", ["2480311"]],
      ["daily", ["2026-03-02T00:00:00.000000+01:00", "2026-03-03T00:00:00.000000+01:00"]],
      ["activity", ["3398001"]],
    ]);
    // light 13500 + deep 6300 + REM 6300 s asleep.
    expect((run.records[1] as any).sleep_durations_data.asleep.duration_asleep_state_seconds).toBe(26100);
  }, 120_000);
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
