import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDemoConfigDestinations, startDemoWidget, startLocalReceiver, type DemoWidget, type LocalReceiver } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { TEST_REDIS_URL } from "@tributary/test-kit";
import { freePort } from "../kit/free-port.ts";
import { until } from "../kit/until.ts";

/** The demo's widget act (`pnpm start` after the SANDBOX backfill): SANDBOX and the mocked INSIDERS, connectable offline. */
describe("the demo's connect widget", () => {
  let demo: DemoWidget | undefined;
  let receiver: LocalReceiver | undefined;
  let operatorHook: LocalReceiver | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await demo?.close();
    await receiver?.close();
    await operatorHook?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves a widget session offering SANDBOX and INSIDERS (its mock started, the provider pointed at it); connecting SANDBOX delivers auth to the receiver", {
    timeout: 240_000,
  }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tributary-demo-widget-"));
    const signingSecret = randomBytes(12).toString("hex");
    receiver = await startLocalReceiver({ signingSecret });
    // `tributary demo --config <file>`: the widget act delivers to the file's destinations too.
    const hookSecret = randomBytes(12).toString("hex");
    operatorHook = await startLocalReceiver({ signingSecret: hookSecret });
    const configFile = join(dataDir, "operator.yaml");
    await writeFile(
      configFile,
      `api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }\ndestinations:\n  - { name: hook, type: webhook, options: { url: "${operatorHook.url}", signingSecret: "${hookSecret}" } }\n`,
    );
    const lines: string[] = [];
    demo = await startDemoWidget({
      redisUrl: TEST_REDIS_URL,
      dataDir,
      receiver: { url: receiver.url, signingSecret },
      configDestinations: await loadDemoConfigDestinations(configFile),
      port: await freePort(),
      log: silentLogger(),
      print: (line) => lines.push(line),
    });
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
    await until(
      "auth",
      async () => (receiver!.received.some((entry) => entry.payload.type === "auth" && (entry.payload.user as any)?.user_id === userId) ? true : undefined),
      30_000,
    );
    await until(
      "auth at the config's destination",
      async () =>
        operatorHook!.received.some((entry) => entry.payload.type === "auth" && entry.issues.length === 0 && (entry.payload.user as any)?.user_id === userId)
          ? true
          : undefined,
      30_000,
    );

    // PELOTON and XERT from their mocks too, the logins printed: Peloton's "paste a token instead" link, Xert's credentials form.
    expect(lines.find((line) => line.startsWith("• Peloton mock at http://127.0.0.1:"))).toContain("or paste the token pasted-riley-token");
    expect(lines.find((line) => line.startsWith("• Xert mock at http://127.0.0.1:"))).toContain("jordan.rivers / xert-jordan");
    const post = (url: string, form: Record<string, string>) =>
      fetch(url, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
    const connectThroughForm = async (referenceId: string, provider: string, method: string | undefined, fields: Record<string, string>) => {
      // The demo's session ended with SANDBOX's connection: a new one, as the developer's app would ask for.
      const session = await demo!.app.ctx.store.createWidgetSession({
        developerId: "tributary-demo",
        providers: ["PELOTON", "XERT"],
        referenceId,
        ttlSeconds: 3600,
      });
      const widgetUrl = demo!.widgetUrl.replace(/[^/]+$/, session.id);
      const widgetPage = await (await fetch(widgetUrl, { headers: { cookie } })).text();
      if (method !== undefined) expect(widgetPage).toContain(`name="method" value="${method}"`);
      const started = await post(`${widgetUrl}/start`, { csrf: /name="csrf" value="([^"]+)"/.exec(widgetPage)![1]!, provider, ...(method ? { method } : {}) });
      expect(started.status).toBe(303);
      const formUrl = new URL(started.headers.get("location")!, widgetUrl).href;
      const form = await (await fetch(formUrl, { headers: { cookie } })).text();
      const submitted = await post(formUrl, { csrf: /name="csrf" value="([^"]+)"/.exec(form)![1]!, ...fields });
      expect(submitted.status).toBe(303);
      const landed = new URL(submitted.headers.get("location")!);
      expect(landed.searchParams.get("status"), landed.href).toBe("success");
      return landed.searchParams.get("user_id")!;
    };
    const activitiesOf = (id: string) =>
      receiver!.received
        .filter((entry) => entry.payload.type === "activity" && (entry.payload.user as any)?.user_id === id)
        .flatMap((entry) => entry.payload.data as any[]);
    const riley = await connectThroughForm("demo-riley", "PELOTON", "token", { token: "pasted-riley-token" });
    const jordan = await connectThroughForm("demo-jordan", "XERT", undefined, { username: "jordan.rivers", password: "xert-jordan" });
    await until("workouts", async () => (activitiesOf(riley).length >= 13 && activitiesOf(jordan).length >= 5 ? true : undefined), 120_000);
    expect(activitiesOf(riley).map((activity) => activity.metadata.summary_id)).toContain("5fca3563974aad11404a7e8b52fa3e64");
  });
});
