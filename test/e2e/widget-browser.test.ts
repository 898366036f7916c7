import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validatePayload } from "@tributary/schemas";
import { until } from "../kit/until.ts";
import { startWidgetHarness, type WidgetHarness } from "./widget-harness.ts";

/** Debian's chromium; never a downloaded browser. .ci/run installs it when missing. */
const CHROMIUM = "/usr/bin/chromium";
/** Ada's last completed workout in INSIDERS' fixtures (moved to yesterday), the one a fresh connection's backfill brings. */
const LAST_WORKOUT = "act_01JR5FJ0QP";

/**
 * The hosted widget in real headless Chromium: an end user opens a widget session, picks a provider and
 * connects it — INSIDERS' OAuth 2 with PKCE at its mock's consent page, a password grant through our
 * credentials form — and lands on the developer's success URL; a denied consent lands on the failure
 * URL; the developer's webhook receives `auth` (then the backfilled data) or `auth_cancelled`.
 */
describe("the connect widget in Chromium", () => {
  let h: WidgetHarness;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  /** The developer's app: the success and failure URLs (the widget server's result page stands in for it). */
  let app: string;

  beforeAll(async () => {
    // Fails, never skips: a CI without Chromium must say so.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    h = await startWidgetHarness();
    app = `${h.url}/connect/result`;
    profile = await mkdtemp(join(tmpdir(), "tributary-chromium-"));
    // A fresh profile folder (--user-data-dir) per run.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await h?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await context.clearCookies();
    page = await context.newPage();
    return () => page.close();
  });

  const events = (type: string) => h.dev.receiver.arrivals.filter((arrival) => arrival.payload.type === type).map((arrival) => arrival.payload as any);
  const widget = async (body: Record<string, string>) => {
    const session = await h.v2("POST", "/auth/generateWidgetSession", body);
    expect(session.status).toBe(200);
    return session.body.url as string;
  };

  it("connects INSIDERS through its consent page (OAuth 2, PKCE) and lands on the success URL; the auth event, then the backfill, reach the webhook", {
    timeout: 90_000,
  }, async () => {
    await page.goto(
      await widget({ reference_id: "chromium-ada", auth_success_redirect_url: `${app}?app=ok`, auth_failure_redirect_url: `${app}?status=failure` }),
    );
    await expect(page.title()).resolves.toBe("Connect your wearable");
    const cards = page.getByRole("list", { name: "Services you can connect" }).getByRole("button");
    await expect(cards.count()).resolves.toBeGreaterThanOrEqual(3);
    expect(await page.locator("img[src^='data:image/svg+xml']").count()).toBeGreaterThanOrEqual(2);

    // Keyboard only: tab to the INSIDERS card and press Enter.
    const insiders = page.getByRole("button", { name: /Connect Insiders/ });
    for (let i = 0; i < 10 && !(await insiders.evaluate((element) => element === (globalThis as any).document.activeElement)); i++)
      await page.keyboard.press("Tab");
    await expect(insiders.evaluate((element) => element === (globalThis as any).document.activeElement)).resolves.toBe(true);
    await expect(insiders.evaluate((element) => (globalThis as any).getComputedStyle(element).outlineStyle)).resolves.not.toBe("none");
    await page.keyboard.press("Enter");

    // The provider's consent page (the mock's): sign in and approve.
    await page.waitForURL((url) => url.origin === new URL(h.mocks.insiders.urls().authorizeUrl!).origin);
    const consentUrl = new URL(page.url());
    expect(consentUrl.searchParams.get("code_challenge_method")).toBe("S256");
    await page.locator("input[name=username]").fill("ada@example.com");
    await page.locator("input[name=password]").fill("insiders-ada");
    await page.locator("button[value=approve], input[value=approve], button:has-text('Approve')").first().click();

    await page.waitForURL((url) => url.searchParams.get("app") === "ok");
    const landed = new URL(page.url());
    expect(landed.searchParams.get("resource")).toBe("INSIDERS");
    expect(landed.searchParams.get("reference_id")).toBe("chromium-ada");
    const userId = landed.searchParams.get("user_id")!;
    expect(await page.getByRole("heading", { name: "Connected" }).isVisible()).toBe(true);

    await until("auth event", async () => (events("auth").some((event) => event.user?.user_id === userId) ? true : undefined), 20_000);
    expect(events("auth").find((event) => event.user?.user_id === userId)).toMatchObject({
      status: "success",
      reference_id: "chromium-ada",
      widget_session_id: expect.any(String),
      user: { provider: "INSIDERS", reference_id: "chromium-ada", active: true },
    });
    expect(await h.store.getTokens(userId)).toMatchObject({ access_token: expect.any(String) });

    // The backfill that followed: Ada's workout of yesterday (in the moved fixtures) reaches the webhook, valid Terra.
    const backfilled = () =>
      events("activity").find((event) => event.user?.user_id === userId && event.data.some((record: any) => record.metadata.summary_id === LAST_WORKOUT));
    await until("the backfilled workout", async () => (backfilled() ? true : undefined), 60_000);
    const result = validatePayload(backfilled());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it("connects a password-grant provider through the credentials form, after one wrong password", async () => {
    await page.goto(await widget({ reference_id: "chromium-pw", language: "en-GB", auth_success_redirect_url: `${app}?app=pw` }));
    await page.getByRole("button", { name: /Connect Passwordy/ }).click();
    await expect(page.getByRole("heading", { name: "Sign in to Passwordy" }).isVisible()).resolves.toBe(true);
    await page.getByLabel("Email or username").fill("ada@example.com");
    await page.getByLabel("Password").fill("not her password");
    await page.getByRole("button", { name: "Connect" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Passwordy did not accept these details");
    await page.getByLabel("Email or username").fill("ada@example.com");
    await page.getByLabel("Password").fill("insiders-ada");
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL((url) => url.searchParams.get("app") === "pw");
    const userId = new URL(page.url()).searchParams.get("user_id")!;
    expect(new URL(page.url()).searchParams.get("resource")).toBe("PASSWORDY");
    await until("auth event", async () => (events("auth").some((event) => event.user?.user_id === userId) ? true : undefined), 20_000);
  });

  it("a denied consent lands on the failure URL, and the webhook receives auth_cancelled", async () => {
    await page.goto(await widget({ reference_id: "chromium-deny", auth_failure_redirect_url: `${app}?status=failure&app=denied` }));
    await page.getByRole("button", { name: /Connect Insiders/ }).click();
    await page.waitForURL((url) => url.origin === new URL(h.mocks.insiders.urls().authorizeUrl!).origin);
    await page.locator("input[name=username]").fill("bob@example.com");
    await page.locator("input[name=password]").fill("insiders-bob");
    await page.locator("button[value=deny], input[value=deny], button:has-text('Deny')").first().click();
    await page.waitForURL((url) => url.searchParams.get("app") === "denied");
    const landed = new URL(page.url());
    expect(landed.searchParams.get("reason")).toBe("access_denied");
    expect(landed.searchParams.get("reference_id")).toBe("chromium-deny");
    expect(await page.getByRole("heading").first().textContent()).toBe("Not connected");
    await until("auth_cancelled", async () => (events("auth_cancelled").some((event) => event.reference_id === "chromium-deny") ? true : undefined), 20_000);
    expect(events("auth_cancelled").find((event) => event.reference_id === "chromium-deny")).toMatchObject({
      type: "auth_cancelled",
      status: "error",
      reason: "access_denied",
    });
    expect(await h.store.findByProviderUserId("INSIDERS", "usr_3Vx9Kp")).toBeUndefined();
  });
});
