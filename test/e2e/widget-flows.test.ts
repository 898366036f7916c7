import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitConsent } from "@tributary/test-kit/mock-provider";
import { until } from "../kit/until.ts";
import { startWidgetHarness, type WidgetHarness } from "./widget-harness.ts";
import { formBrowser } from "./form-browser.ts";

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
const actionOf = (html: string) => /<form method="post" action="([^"]+)"><input type="hidden" name="csrf" value="[^"]+"><label/.exec(html)?.[1] ?? "";

describe("connect flows over HTTP", () => {
  let h: WidgetHarness;
  beforeAll(async () => {
    h = await startWidgetHarness();
  }, 30_000);
  afterAll(() => h?.close());

  const events = (type: string) => h.dev.receiver.arrivals.filter((arrival) => arrival.payload.type === type).map((arrival) => arrival.payload);

  it("authenticateUser answers INSIDERS' consent URL (state, PKCE S256); the callback stores encrypted tokens, sends auth, starts the backfill and lands on the success URL", async () => {
    const started = await h.v2("POST", "/auth/authenticateUser?resource=INSIDERS", {
      reference_id: "byo-ada",
      auth_success_redirect_url: "https://app.example/ok?x=1",
      auth_failure_redirect_url: "https://app.example/no",
    });
    expect(started.status).toBe(200);
    const authUrl = new URL(started.body.auth_url);
    expect(authUrl.origin).toBe(new URL(h.mocks.insiders.urls().authorizeUrl!).origin);
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authUrl.searchParams.get("state")).toMatch(/^[\w-]{20,}$/);
    expect(authUrl.searchParams.get("redirect_uri")).toBe(`${h.url}/auth/callback/insiders`);

    const consent = await submitConsent(authUrl.href, "approve", { username: "ada@example.com", password: "insiders-ada" });
    const callback = await fetch(consent.location!, { redirect: "manual" });
    expect(callback.status).toBe(303);
    const landed = new URL(callback.headers.get("location")!);
    expect(landed.origin + landed.pathname).toBe("https://app.example/ok");
    expect(Object.fromEntries(landed.searchParams)).toEqual({ x: "1", user_id: started.body.user_id, resource: "INSIDERS", reference_id: "byo-ada" });

    const connection = await h.store.getConnection(started.body.user_id);
    expect(connection).toMatchObject({
      provider: "INSIDERS",
      provider_user_id: "usr_7Hq2Lm",
      reference_id: "byo-ada",
      developer_id: h.dev.devId,
      active: true,
    });
    const raw = await h.store.db.query<{ tokens_ciphertext: string }>("SELECT tokens_ciphertext FROM connections WHERE user_id = $1", [started.body.user_id]);
    const tokens = await h.store.getTokens(started.body.user_id);
    expect(tokens).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(raw.rows[0]!.tokens_ciphertext).toBeTruthy();
    expect(raw.rows[0]!.tokens_ciphertext).not.toContain(String(tokens!.access_token));

    await until("events", async () => (events("auth").some((event: any) => event.user?.user_id === started.body.user_id) ? true : undefined), 15_000);
    const auth = events("auth").find((event: any) => event.user?.user_id === started.body.user_id)!;
    expect(auth).toMatchObject({
      type: "auth",
      status: "success",
      reference_id: "byo-ada",
      message: "User has successfully authenticated",
      user: { provider: "INSIDERS", active: true },
    });
    const jobs = await h.app.ctx.queues.pull.getJobs(["waiting", "active", "completed", "failed", "delayed", "prioritized"]);
    expect(jobs.some((job: any) => job.data.userId === started.body.user_id && job.data.reason === "backfill")).toBe(true);

    // The callback's state works once: a replay shows a page and changes nothing.
    const replay = await fetch(consent.location!, { redirect: "manual" });
    expect(replay.status).toBe(404);
    expect(await replay.text()).toContain("This link is not valid");
  });

  it("a denied consent in the widget lands on the failure URL and sends auth_cancelled (access_denied); a callback without the widget's cookie is refused", async () => {
    const session = await h.v2("POST", "/auth/generateWidgetSession", { reference_id: "deny-1", auth_failure_redirect_url: "https://app.example/failed" });
    const b = formBrowser();
    const page = await b.get(session.body.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Insiders");
    const start = await b.post(`${session.body.url}/start`, { csrf: csrfOf(html), provider: "INSIDERS" });
    expect(start.status).toBe(303);
    expect(b.jar.has("tributary_flow_insiders")).toBe(true);
    const denied = await submitConsent(start.headers.get("location")!, "deny", { username: "ada@example.com", password: "insiders-ada" });
    const callback = await b.get(denied.location!);
    expect(callback.status).toBe(303);
    const landed = new URL(callback.headers.get("location")!);
    expect(landed.origin + landed.pathname).toBe("https://app.example/failed");
    // Terra's three parameters on the failure URL too (the user_id the flow would have had), and why.
    expect(Object.fromEntries(landed.searchParams)).toEqual({
      user_id: expect.any(String),
      resource: "INSIDERS",
      reference_id: "deny-1",
      reason: "access_denied",
    });
    await until("events", async () => (events("auth_cancelled").some((event) => event.reference_id === "deny-1") ? true : undefined), 15_000);
    expect(events("auth_cancelled").find((event) => event.reference_id === "deny-1")).toMatchObject({
      type: "auth_cancelled",
      status: "error",
      reason: "access_denied",
    });

    // The same flow finished from another browser (no cookie): refused as a mismatch, nothing connected.
    const again = formBrowser();
    const pageAgain = await again.get(session.body.url);
    const startAgain = await again.post(`${session.body.url}/start`, { csrf: csrfOf(await pageAgain.text()), provider: "INSIDERS" });
    const approved = await submitConsent(startAgain.headers.get("location")!, "approve", { username: "bob@example.com", password: "insiders-bob" });
    const stolen = await fetch(approved.location!, { redirect: "manual" });
    expect(new URL(stolen.headers.get("location")!).searchParams.get("reason")).toBe("session_mismatch");
    expect(await h.store.findByProviderUserId("INSIDERS", "usr_3Vx9Kp")).toBeUndefined();
  });

  it("refuses a form post without this browser's CSRF token, and tells expired and used widget links apart", async () => {
    const session = await h.v2("POST", "/auth/generateWidgetSession", {});
    const b = formBrowser();
    await b.get(session.body.url);
    const forged = await b.post(`${session.body.url}/start`, { csrf: "forged", provider: "SANDBOX" });
    expect(forged.status).toBe(403);
    const other = formBrowser();
    const otherPage = await other.get(session.body.url);
    const crossed = await b.post(`${session.body.url}/start`, { csrf: csrfOf(await otherPage.text()), provider: "SANDBOX" });
    expect(crossed.status).toBe(403);

    const page = await b.get(session.body.url);
    const sandbox = await b.post(`${session.body.url}/start`, { csrf: csrfOf(await page.text()), provider: "SANDBOX" });
    expect(sandbox.status).toBe(303);
    expect(new URL(sandbox.headers.get("location")!).searchParams.get("status")).toBe("success");
    const used = await b.get(session.body.url);
    expect(used.status).toBe(404);

    const expired = await h.store.createWidgetSession({ developerId: h.dev.devId, providers: ["SANDBOX"], ttlSeconds: -1, language: "de" });
    const late = await b.get(`${h.url}/widget/${expired.id}`);
    expect(late.status).toBe(410);
    const text = await late.text();
    expect(text).toContain('lang="de"');
    expect(text).toContain("Dieser Link ist abgelaufen");
  });

  it("a widget session bounds its flows and its forms' tokens: acted on past its deadline it lands on the failure URL with auth_cancelled (session_expired), once", async () => {
    const session = await h.v2("POST", "/auth/generateWidgetSession", { reference_id: "late-1", auth_failure_redirect_url: "https://app.example/failed" });
    const b = formBrowser();
    const html = await (await b.get(session.body.url)).text();
    // A flow started from the widget ends when the widget session does, not 15 minutes after the click.
    const start = await b.post(`${session.body.url}/start`, { csrf: csrfOf(html), provider: "PASSWORDY" });
    expect(start.status).toBe(303);
    const flowId = decodeURIComponent(new URL(start.headers.get("location")!).pathname.split("/").pop()!);
    const flow = await h.store.peekAuthSession(flowId);
    const widget = await h.store.lookupWidgetSession(session.body.session_id);
    expect(flow?.expires_at).toBe(widget?.session.expires_at);

    // The page was shown in time; the deadline passes before the user clicks.
    await h.store.db.query("UPDATE widget_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [session.body.session_id]);
    const late = await b.post(`${session.body.url}/start`, { csrf: csrfOf(html), provider: "SANDBOX" });
    expect(late.status).toBe(303);
    const landed = new URL(late.headers.get("location")!);
    expect(landed.origin + landed.pathname).toBe("https://app.example/failed");
    expect(Object.fromEntries(landed.searchParams)).toEqual({ reference_id: "late-1", reason: "session_expired" });
    await until("events", async () => (events("auth_cancelled").some((event) => event.reference_id === "late-1") ? true : undefined), 15_000);
    expect(events("auth_cancelled").find((event) => event.reference_id === "late-1")).toMatchObject({ status: "error", reason: "session_expired" });

    // The session is over: a second post (a reload, another tab) tells nobody again.
    const again = await b.post(`${session.body.url}/cancel`, { csrf: csrfOf(html), provider: "SANDBOX" });
    expect(again.status).toBe(404);
    // A forged post on an expired session is not taken for a late one.
    const expired = await h.store.createWidgetSession({ developerId: h.dev.devId, providers: ["SANDBOX"], ttlSeconds: -1, referenceId: "late-2" });
    const forged = await b.post(`${h.url}/widget/${expired.id}/cancel`, { csrf: csrfOf(html) });
    expect(forged.status).toBe(410);
    expect(await h.store.lookupWidgetSession(expired.id)).toBeDefined();
    expect(events("auth_cancelled").filter((event) => event.reference_id === "late-1" || event.reference_id === "late-2")).toHaveLength(1);
  });

  it("connects through the credentials form: a wrong password asks again under a new flow id, the right one connects; reconnecting the same account under the same reference_id sends user_reauth", async () => {
    const connect = async (password: string) => {
      const session = await h.v2("POST", "/auth/generateWidgetSession", { reference_id: "pw-ref", providers: "PASSWORDY" });
      const b = formBrowser();
      const page = await b.get(session.body.url);
      const start = await b.post(`${session.body.url}/start`, { csrf: csrfOf(await page.text()), provider: "PASSWORDY" });
      expect(start.status).toBe(303);
      const form = await b.get(start.headers.get("location")!);
      const html = await form.text();
      expect(html).toContain('autocomplete="current-password"');
      const wrong = await b.post(`${h.url}${actionOf(html)}`, { csrf: csrfOf(html), username: "ada@example.com", password: "wrong" });
      expect(wrong.status).toBe(422);
      const retry = await wrong.text();
      expect(retry).toContain('role="alert"');
      expect(actionOf(retry)).not.toBe(actionOf(html));
      const right = await b.post(`${h.url}${actionOf(retry)}`, { csrf: csrfOf(retry), username: "ada@example.com", password });
      expect(right.status).toBe(303);
      return new URL(right.headers.get("location")!).searchParams.get("user_id")!;
    };
    const first = await connect("insiders-ada");
    const second = await connect("insiders-ada");
    expect(second).not.toBe(first);
    await until("events", async () => (events("user_reauth").length > 0 ? true : undefined), 15_000);
    expect(events("user_reauth")[0]).toMatchObject({
      status: "warning",
      version: "2022-03-16",
      message: "User has reauthenticated and old ID has been deleted",
      new_user: { user_id: second, reference_id: "pw-ref", active: true },
      old_user: { user_id: first, reference_id: "pw-ref", active: false },
    });
  });
});
