import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "bullmq";
import { validatePayload } from "@tributary/schemas";
import { submitConsent } from "@tributary/test-kit/mock-provider";
import { until } from "../kit/until.ts";
import { formBrowser } from "./form-browser.ts";
import { PROVIDER_CASES, type Arrives, type CaseContext, type ProviderCase } from "./provider-cases.ts";
import { startProviderStage, type ProviderStage, type StagedProvider } from "./provider-stage.ts";
import { shiftTimes } from "./shift-times.ts";

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
const recordsOf = (payload: any): any[] => payload.data ?? (payload.athlete ? [payload.athlete] : []);
const BUSY = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;
/** XERT with a partner client (providers.XERT.clientId): its authorization-code flow is offered beside the password form. */
const XERT_PARTNER: StagedProvider = { name: "XERT" };
const XERT_GPS_RIDE = "dc5670e06814de2c";

/**
 * STRAVA, FITBIT, OURA, WHOOP, GARMIN, WITHINGS, POLAR and WAHOO end to end, one Tributary for all of
 * them, each provider against its mock (fixtures moved to end yesterday): a user connects through the
 * hosted widget and the provider's own authorization flow, the backfill reaches the developer's webhook,
 * the provider's handshake is answered, a push sent and signed the provider's way delivers what it
 * names, one the provider did not send changes nothing, and every payload is valid Terra.
 */
describe("providers end to end: widget, backfill, pushes, destination", () => {
  let stage: ProviderStage;

  beforeAll(async () => {
    stage = await startProviderStage([...PROVIDER_CASES, XERT_PARTNER]);
  }, 120_000);

  afterAll(async () => stage?.close());

  const payloadsOf = (userId: string, from = 0) => stage.receiver.arrivals.slice(from).map((arrival) => arrival.payload as any).filter((payload) => payload.user?.user_id === userId);

  const arrived = (userId: string, expected: Arrives, ctx: CaseContext, from = 0) =>
    until(`${expected.type}: ${expected.what}`, async () =>
      payloadsOf(userId, from).some((payload) => payload.type === expected.type && recordsOf(payload).some((record) => expected.has(record, ctx))) ? true : undefined, 60_000);

  /** Nothing of the user's left to pull, ingest or deliver. */
  const settled = (userId: string) =>
    until(`the work for ${userId} done`, async () => {
      const concerns = (job: Job) => job.data?.userId === userId || job.data?.notifications?.some((n: { userId: string }) => n.userId === userId);
      for (const queue of stage.app.ctx.queues.all()) if ((await queue.getJobs([...BUSY])).some(concerns)) return undefined;
      return true;
    }, 60_000);

  const widgetUrl = async (referenceId: string): Promise<string> => {
    const session = await stage.v2("POST", "/auth/generateWidgetSession", { reference_id: referenceId, providers: [...PROVIDER_CASES, XERT_PARTNER].map((c) => c.name).join(",") });
    expect(session.status).toBe(200);
    return session.body.url;
  };

  it.each(PROVIDER_CASES)("$name: connects through the widget, backfills, takes its signed push, ignores a forged one", { timeout: 180_000 }, async (c: ProviderCase) => {
    const mock = stage.mocks[c.name]!;
    const spec = stage.definitions[c.name]!.spec;
    const auth = spec.auth as Extract<typeof spec.auth, { type: "oauth2" }>;
    const hook = `${stage.url}/hooks/${c.name}`;
    const ctx: CaseContext = {
      mock,
      hook,
      at: (recorded) => shiftTimes(recorded, stage.days),
      example: (index, options = {}) => {
        const example = spec.webhook!.examples![index]!;
        const body = shiftTimes(example.body, stage.days);
        return mock.push(hook, options.change ? options.change(body) : body, {
          secret: options.secret ?? c.pushSecret,
          ...(c.hexCase ? { hexCase: c.hexCase } : {}),
          ...(example.headers ? { headers: example.headers } : {}),
        });
      },
    };

    // The widget lists the provider; choosing it leads to the provider's consent page, asked as its spec says.
    const widget = await widgetUrl(`ref-${c.name}`);
    const browser = formBrowser();
    const page = await (await browser.get(widget)).text();
    expect(page).toContain(`name="provider" value="${c.name}"`);
    const start = await browser.post(`${widget}/start`, { csrf: csrfOf(page), provider: c.name });
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(mock.urls().authorizeUrl);
    expect(authorize.searchParams.get("state")).toEqual(expect.any(String));
    expect(authorize.searchParams.get("code_challenge_method")).toBe(auth.pkce === false ? null : "S256");
    expect(authorize.searchParams.get("scope") ?? "").toBe(auth.scopes?.join(auth.scopeSeparator ?? " ") ?? "");

    // Consent at the provider, back through our callback (code exchanged with the provider's token dialect) to the success page.
    const consent = await submitConsent(authorize.href, "approve", c.login);
    const callback = await browser.get(consent.location!);
    expect(callback.status).toBe(303);
    const landed = new URL(callback.headers.get("location")!);
    expect(Object.fromEntries(landed.searchParams)).toMatchObject({ status: "success", resource: c.name, reference_id: `ref-${c.name}` });
    const userId = landed.searchParams.get("user_id")!;
    expect(await stage.store.getConnection(userId)).toMatchObject({ provider: c.name, provider_user_id: c.providerUserId, reference_id: `ref-${c.name}`, active: true });
    expect(await stage.store.getTokens(userId)).toMatchObject({ auth_type: "oauth2", access_token: expect.any(String) });
    // What the provider must be told of a new user (Polar's registration, Withings' and Fitbit's subscriptions).
    const connectRequests = auth.lifecycle?.connect ?? [];
    expect(mock.lifecycleCalls.filter((call) => call.phase === "connect").map((call) => call.variables.webhook_url ?? null)).toEqual(
      connectRequests.map((request) => (JSON.stringify(request).includes("{webhook_url}") ? hook : null)),
    );
    await until("auth", async () => (payloadsOf(userId).some((payload) => payload.type === "auth") ? true : undefined));

    // The backfill: pulled and delivered, or (Garmin) asked for, to come by push.
    for (const expected of c.backfill) await arrived(userId, expected, ctx);
    const backfillRequests = Object.keys(spec.sync?.backfillRequests ?? {}).length;
    await until("backfill requests", async () => (mock.lifecycleCalls.filter((call) => call.phase === "backfill").length === backfillRequests ? true : undefined));
    await settled(userId);

    // The same data on request, read and mapped in the API process.
    const sample = c.backfill.find((expected) => expected.type !== "athlete");
    if (sample) {
      const record = payloadsOf(userId).filter((payload) => payload.type === sample.type).flatMap(recordsOf).find((candidate) => sample.has(candidate, ctx));
      const day = Date.parse(record.metadata.start_time.slice(0, 10));
      const date = (offsetDays: number) => new Date(day + offsetDays * 86_400_000).toISOString().slice(0, 10);
      const answer = await stage.v2("GET", `/${sample.type}?user_id=${userId}&start_date=${date(-1)}&end_date=${date(1)}&to_webhook=false`);
      expect(answer.status).toBe(200);
      expect(answer.body.data.some((candidate: unknown) => sample.has(candidate, ctx)), sample.what).toBe(true);
    }

    // The provider's check of the callback, answered as it wants.
    const handshakes = spec.webhook!.handshakes ?? [];
    if (handshakes.length > 0) {
      expect(await mock.handshake(hook, c.verifyToken ? { verifyToken: c.verifyToken } : {})).toEqual(handshakes.map((h) => expect.objectContaining({ type: h.type, ok: true })));
      if (c.verifyToken && handshakes.some((h) => h.type === "challenge")) expect((await mock.handshake(hook, { verifyToken: `${c.verifyToken}-not` }))[0]!.ok).toBe(false);
    }

    // Pushes as the provider sends them: accepted, and what each names reaches the destination.
    for (const push of c.pushes) {
      const mark = stage.receiver.arrivals.length;
      const answer = await push.send(ctx);
      expect(answer.status, `${push.what}: ${answer.body}`).toBe(200);
      await arrived(userId, push.delivers, ctx, mark);
    }

    // A push the provider did not send.
    await settled(userId);
    const mark = stage.receiver.arrivals.length;
    const forged = await c.forged.send(ctx);
    if (c.forged.refused) expect(forged.status, c.forged.what).toBe(401);
    else {
      expect(forged.status, c.forged.what).toBe(200);
      await settled(userId);
      await (forged as Awaited<typeof forged> & { check(): Promise<void> }).check();
    }
    await settled(userId);
    expect(payloadsOf(userId, mark).filter((payload) => recordsOf(payload).length > 0)).toEqual([]);

    // Everything the developer received for this user is valid Terra.
    const payloads = payloadsOf(userId);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) {
      const result = validatePayload(payload);
      expect(result.ok ? [] : result.issues, `${payload.type} payload`).toEqual([]);
    }
  });
  it("XERT with a partner client: the widget offers Xert's consent page beside the credentials form; a rider connects there and is backfilled, and the password grant uses the partner client too", { timeout: 120_000 }, async () => {
    const mock = stage.mocks.XERT!;
    const code = (stage.definitions.XERT!.spec.auth as { alternatives: Array<{ type: string; scopes: string[]; pkce?: boolean }> }).alternatives.find((method) => method.type === "oauth2")!;
    const issuedTo = (user: string) => (mock.oauth!.tokens.events ?? []).filter((event) => event.type === "issued" && event.userId === user).map((event) => event.clientId);

    const widget = await widgetUrl("ref-jordan");
    const browser = formBrowser();
    const page = await (await browser.get(widget)).text();
    // The credentials form is the card's main button; "Or sign in on the Xert website" under it.
    expect(page).toContain(`<input type="hidden" name="provider" value="XERT"><button type="submit" class="provider"`);
    expect(page).toContain(`<input type="hidden" name="provider" value="XERT"><input type="hidden" name="method" value="redirect">`);
    const start = await browser.post(`${widget}/start`, { csrf: csrfOf(page), provider: "XERT", method: "redirect" });
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(mock.urls().authorizeUrl);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: "mock-client-id", response_type: "code", scope: code.scopes.join(" "), state: expect.any(String) });
    expect(authorize.searchParams.get("code_challenge_method")).toBe(code.pkce === false ? null : "S256");
    const consent = await submitConsent(authorize.href, "approve", { username: "jordan.rivers", password: "xert-jordan" });
    const callback = await browser.get(consent.location!);
    expect(callback.status).toBe(303);
    const landed = new URL(callback.headers.get("location")!);
    expect(Object.fromEntries(landed.searchParams)).toMatchObject({ status: "success", resource: "XERT", reference_id: "ref-jordan" });
    const jordan = landed.searchParams.get("user_id")!;
    // Xert's API names no account and no login was typed: the connection has no provider user id.
    expect(await stage.store.getConnection(jordan)).toMatchObject({ provider: "XERT", provider_user_id: null, active: true });
    expect(await stage.store.getTokens(jordan)).toMatchObject({ auth_type: "oauth2", refresh_token: expect.any(String) });
    expect(issuedTo("jordan.rivers")).toEqual(["mock-client-id"]);
    await until("Jordan's backfill", async () =>
      payloadsOf(jordan).some((payload) => payload.type === "activity" && recordsOf(payload).some((ride) => ride.metadata.summary_id === XERT_GPS_RIDE && ride.distance_data.summary.distance_meters === 5400)) ? true : undefined, 60_000);

    // The credentials form, as the card's main flow: the password grant is made with the partner client.
    const other = formBrowser();
    const otherWidget = await widgetUrl("ref-casey");
    const otherPage = await (await other.get(otherWidget)).text();
    const form = new URL((await other.post(`${otherWidget}/start`, { csrf: csrfOf(otherPage), provider: "XERT" })).headers.get("location")!, stage.url).href;
    const submitted = await other.post(form, { csrf: csrfOf(await (await other.get(form)).text()), username: "casey.hill", password: "xert-casey" });
    expect(submitted.status).toBe(303);
    expect(new URL(submitted.headers.get("location")!).searchParams.get("status")).toBe("success");
    expect(issuedTo("casey.hill")).toEqual(["mock-client-id"]);
  });
});
