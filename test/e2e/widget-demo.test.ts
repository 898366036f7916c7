import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDemoWidget, startLocalReceiver, type DemoWidget, type LocalReceiver } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { TEST_REDIS_URL } from "@tributary/test-kit";
import { freePort } from "../kit/free-port.ts";
import { until } from "../kit/until.ts";

/** The demo's widget act (`pnpm start` after the SANDBOX backfill): SANDBOX and the mocked INSIDERS, connectable offline. */
describe("the demo's connect widget", () => {
  let demo: DemoWidget | undefined;
  let receiver: LocalReceiver | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await demo?.close();
    await receiver?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves a widget session offering SANDBOX and INSIDERS (its mock started, the provider pointed at it); connecting SANDBOX delivers auth to the receiver", { timeout: 90_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tributary-demo-widget-"));
    const signingSecret = randomBytes(12).toString("hex");
    receiver = await startLocalReceiver({ signingSecret });
    const lines: string[] = [];
    demo = await startDemoWidget({ redisUrl: TEST_REDIS_URL, dataDir, receiver: { url: receiver.url, signingSecret }, port: await freePort(), log: silentLogger(), print: (line) => lines.push(line) });
    expect(lines.some((line) => line.startsWith("• Insiders mock at http://127.0.0.1:"))).toBe(true);
    expect(demo.app.config.providers.INSIDERS?.authorizeUrl).toBe(demo.mocks[0]!.urls().authorizeUrl);

    const page = await fetch(demo.widgetUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sandbox");
    expect(html).toContain("Insiders");
    const cookie = page.headers.getSetCookie()[0]!.split(";")[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const start = await fetch(`${demo.widgetUrl}/start`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, provider: "INSIDERS" }).toString(),
    });
    expect(start.status).toBe(303);
    expect(start.headers.get("location")).toContain(new URL(demo.mocks[0]!.urls().authorizeUrl!).origin);

    const sandbox = await fetch(`${demo.widgetUrl}/start`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, provider: "SANDBOX" }).toString(),
    });
    expect(sandbox.status).toBe(303);
    const userId = new URL(sandbox.headers.get("location")!).searchParams.get("user_id");
    await until("auth", async () => (receiver!.received.some((entry) => entry.payload.type === "auth" && (entry.payload.user as any)?.user_id === userId) ? true : undefined), 30_000);
  });
});
