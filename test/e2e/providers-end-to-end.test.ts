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

  const payloadsOf = (userId: string, from = 0, receiver = stage.receiver) =>
    receiver.arrivals
      .slice(from)
      .map((arrival) => arrival.payload as any)
      .filter((payload) => payload.user?.user_id === userId || payload.new_user?.user_id === userId);

  const arrived = (userId: string, expected: Arrives, ctx: CaseContext, from = 0) =>
    until(
      `${expected.type}: ${expected.what}`,
      async () =>
        payloadsOf(userId, from).some((payload) => payload.type === expected.type && recordsOf(payload).some((record) => expected.has(record, ctx)))
          ? true
          : undefined,
      60_000,
    );

  /** Nothing of the user's left to pull, ingest or deliver. */
  const settled = (userId: string) =>
    until(
      `the work for ${userId} done`,
      async () => {
        const concerns = (job: Job) => job.data?.userId === userId || job.data?.notifications?.some((n: { userId: string }) => n.userId === userId);
        for (const queue of stage.app.ctx.queues.all()) if ((await queue.getJobs([...BUSY])).some(concerns)) return undefined;
        return true;
      },
      60_000,
    );

  const widgetUrl = async (referenceId: string, v2 = stage.v2): Promise<string> => {
    const session = await v2("POST", "/auth/generateWidgetSession", {
      reference_id: referenceId,
      providers: [...PROVIDER_CASES, XERT_PARTNER].map((c) => c.name).join(","),
    });
    expect(session.status).toBe(200);
    return session.body.url;
  };

  /**
   * A user who opens the developer's widget, picks the provider, consents on the provider's page as
   * `login` and comes back through our callback: the provider's authorization request, and where the
   * user landed.
   */
  const connectThroughWidget = async (provider: string, referenceId: string, login: { username: string; password: string }, v2 = stage.v2) => {
    const widget = await widgetUrl(referenceId, v2);
    const browser = formBrowser();
    const page = await (await browser.get(widget)).text();
    expect(page).toContain(`name="provider" value="${provider}"`);
    const start = await browser.post(`${widget}/start`, { csrf: csrfOf(page), provider });
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get("location")!);
    const consent = await submitConsent(authorize.href, "approve", login);
    const callback = await browser.get(consent.location!);
    expect(callback.status).toBe(303);
    return { authorize, landed: new URL(callback.headers.get("location")!) };
  };

  it.each(PROVIDER_CASES)(
    "$name: connects through the widget, backfills, takes its signed push, ignores a forged one",
    { timeout: 180_000 },
    async (c: ProviderCase) => {
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

      // The widget lists the provider; choosing it leads to the provider's consent page, asked as its spec
      // says; consent there brings the user back through our callback (the code exchanged in the provider's
      // token dialect) to the success page.
      const { authorize, landed } = await connectThroughWidget(c.name, `ref-${c.name}`, c.login);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(mock.urls().authorizeUrl);
      expect(authorize.searchParams.get("state")).toEqual(expect.any(String));
      expect(authorize.searchParams.get("code_challenge_method")).toBe(auth.pkce === false ? null : "S256");
      expect(authorize.searchParams.get("scope") ?? "").toBe(auth.scopes?.join(auth.scopeSeparator ?? " ") ?? "");
      expect(Object.fromEntries(landed.searchParams)).toMatchObject({ status: "success", resource: c.name, reference_id: `ref-${c.name}` });
      const userId = landed.searchParams.get("user_id")!;
      expect(await stage.store.getConnection(userId)).toMatchObject({
        provider: c.name,
        provider_user_id: c.providerUserId,
        reference_id: `ref-${c.name}`,
        active: true,
      });
      expect(await stage.store.getTokens(userId)).toMatchObject({ auth_type: "oauth2", access_token: expect.any(String) });
      // What the provider must be told of a new user (Polar's registration, Withings' and Fitbit's subscriptions).
      const connectRequests = auth.lifecycle?.connect ?? [];
      expect(mock.lifecycleCalls.filter((call) => call.phase === "connect").map((call) => call.variables.webhook_url ?? null)).toEqual(
        connectRequests.map((request) => (JSON.stringify(request).includes("{webhook_url}") ? hook : null)),
      );
      await until("auth", async () => (payloadsOf(userId).some((payload) => payload.type === "auth") ? true : undefined));

      // The backfill: pulled and delivered, or (Garmin) asked for, to come by push.
      for (const expected of c.backfill) await arrived(userId, expected, ctx);
      const backfillRequests = Object.values(spec.sync?.backfillRequests ?? {}).flat().length;
      await until("backfill requests", async () =>
        mock.lifecycleCalls.filter((call) => call.phase === "backfill").length === backfillRequests ? true : undefined,
      );
      await settled(userId);

      // The same data on request, read and mapped in the API process.
      const sample = c.backfill.find((expected) => expected.type !== "athlete");
      if (sample) {
        const record = payloadsOf(userId)
          .filter((payload) => payload.type === sample.type)
          .flatMap(recordsOf)
          .find((candidate) => sample.has(candidate, ctx));
        const day = Date.parse(record.metadata.start_time.slice(0, 10));
        const date = (offsetDays: number) => new Date(day + offsetDays * 86_400_000).toISOString().slice(0, 10);
        const answer = await stage.v2("GET", `/${sample.type}?user_id=${userId}&start_date=${date(-1)}&end_date=${date(1)}&to_webhook=false`);
        expect(answer.status).toBe(200);
        expect(
          answer.body.data.some((candidate: unknown) => sample.has(candidate, ctx)),
          sample.what,
        ).toBe(true);
      }

      // The provider's check of the callback, answered as it wants.
      const handshakes = spec.webhook!.handshakes ?? [];
      if (handshakes.length > 0) {
        expect(await mock.handshake(hook, c.verifyToken ? { verifyToken: c.verifyToken } : {})).toEqual(
          handshakes.map((h) => expect.objectContaining({ type: h.type, ok: true })),
        );
        if (c.verifyToken && handshakes.some((h) => h.type === "challenge"))
          expect((await mock.handshake(hook, { verifyToken: `${c.verifyToken}-not` }))[0]!.ok).toBe(false);
      }

      // Pushes as the provider sends them: acknowledged as the provider wants (Fitbit: 204), and what each names reaches the destination.
      for (const push of c.pushes) {
        const mark = stage.receiver.arrivals.length;
        const answer = await push.send(ctx);
        expect(answer.delivered, `${push.what}: ${answer.status} ${answer.body}`).toBe(true);
        await arrived(userId, push.delivers, ctx, mark);
      }

      // A push the provider did not send.
      await settled(userId);
      const mark = stage.receiver.arrivals.length;
      const forged = await c.forged.send(ctx);
      if (c.forged.refused) expect(forged.status, c.forged.what).toBe(401);
      else {
        expect(forged.delivered, `${c.forged.what}: ${forged.status}`).toBe(true);
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
    },
  );
  it("XERT with a partner client: the widget offers Xert's consent page beside the credentials form; a rider connects there and is backfilled, and the password grant uses the partner client too", {
    timeout: 120_000,
  }, async () => {
    const mock = stage.mocks.XERT!;
    const code = (stage.definitions.XERT!.spec.auth as { alternatives: Array<{ type: string; scopes: string[]; pkce?: boolean }> }).alternatives.find(
      (method) => method.type === "oauth2",
    )!;
    const issuedTo = (user: string) =>
      (mock.oauth!.tokens.events ?? []).filter((event) => event.type === "issued" && event.userId === user).map((event) => event.clientId);

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
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: "mock-client-id",
      response_type: "code",
      scope: code.scopes.join(" "),
      state: expect.any(String),
    });
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
    await until(
      "Jordan's backfill",
      async () =>
        payloadsOf(jordan).some(
          (payload) =>
            payload.type === "activity" &&
            recordsOf(payload).some((ride) => ride.metadata.summary_id === XERT_GPS_RIDE && ride.distance_data.summary.distance_meters === 5400),
        )
          ? true
          : undefined,
      60_000,
    );

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
  it("one POLAR account connected by a second user of the developer and by another developer: connections of their own, each given the pushes; the same reference_id again is a reauth; only the last one out deregisters at Polar", {
    timeout: 120_000,
  }, async () => {
    const mock = stage.mocks.POLAR!;
    // Tom's trail run: Polar's id is pushed and fetched; the record is named by his Polar user and its start in UTC (11:00 at −300 minutes).
    const TOM = { account: "475301", login: { username: "tom@example.com", password: "polar-tom" }, exercise: "dT9xQ4", summaryAt: "T160000Z" };
    const connect = async (referenceId: string, v2 = stage.v2) => {
      const { landed } = await connectThroughWidget("POLAR", referenceId, TOM.login, v2);
      expect(Object.fromEntries(landed.searchParams)).toMatchObject({ status: "success", resource: "POLAR", reference_id: referenceId });
      return landed.searchParams.get("user_id")!;
    };
    const events = (type: string, receiver = stage.receiver) =>
      receiver.arrivals.map((arrival) => arrival.payload as any).filter((payload) => payload.type === type);
    const told = (type: string, userId: string, receiver = stage.receiver) =>
      until(`${type} of ${userId}`, async () => (payloadsOf(userId, 0, receiver).some((payload) => payload.type === type) ? true : undefined));
    const callsFor = (phase: string) => mock.lifecycleCalls.filter((call) => call.phase === phase && call.userId === TOM.account);

    // Terra's rule: another reference_id, or another developer, is a connection of its own beside the first.
    const first = await connect("ref-tom");
    const second = await connect("ref-tom-at-work");
    const theirs = await connect("ref-tom", stage.other.v2);
    for (const userId of [first, second, theirs])
      expect(await stage.store.getConnection(userId)).toMatchObject({ provider_user_id: TOM.account, active: true });
    await Promise.all([told("auth", first), told("auth", second), told("auth", theirs, stage.other.receiver)]);
    expect([...events("user_reauth"), ...events("user_reauth", stage.other.receiver)]).toEqual([]);
    expect(stage.other.receiver.arrivals.some((arrival) => [first, second].includes((arrival.payload as any).user?.user_id))).toBe(false);
    // Polar registered the account once; the later registrations were answered 409 (registered already), which is done.
    expect(callsFor("connect")).toHaveLength(3);

    // Polar pushes once for the account: each connection gets it, at its own developer's destination.
    await Promise.all([first, second, theirs].map(settled));
    const marks = { mine: stage.receiver.arrivals.length, theirs: stage.other.receiver.arrivals.length };
    const push = await mock.push(
      `${stage.url}/hooks/POLAR`,
      { event: "EXERCISE", user_id: Number(TOM.account), entity_id: TOM.exercise, timestamp: new Date().toISOString() },
      { secret: "polar-webhook-secret" },
    );
    expect(push.status).toBe(200);
    expect(JSON.parse(push.body)).toMatchObject({ notifications: 3 });
    const exercise: Arrives = {
      type: "activity",
      what: "the pushed exercise",
      has: (record) => record.metadata.summary_id.startsWith(`${TOM.account}-`) && record.metadata.summary_id.endsWith(TOM.summaryAt),
    };
    const noContext = {} as CaseContext;
    await Promise.all([
      arrived(first, exercise, noContext, marks.mine),
      arrived(second, exercise, noContext, marks.mine),
      until("the other developer's copy", async () =>
        payloadsOf(theirs, marks.theirs, stage.other.receiver).some(
          (payload) => payload.type === "activity" && recordsOf(payload).some((record) => exercise.has(record, noContext)),
        )
          ? true
          : undefined,
      ),
    ]);

    // The same account under the same developer and reference_id again: a reauth, replacing only that connection.
    const again = await connect("ref-tom");
    await until("user_reauth", async () => (events("user_reauth").some((event) => event.new_user.user_id === again) ? true : undefined));
    expect(events("user_reauth").find((event) => event.new_user.user_id === again)).toMatchObject({
      status: "warning",
      old_user: { user_id: first, reference_id: "ref-tom" },
      new_user: { reference_id: "ref-tom", provider: "POLAR" },
    });
    await told("auth", again);
    expect((await stage.store.getConnection(first))?.active).toBe(false);
    for (const userId of [second, theirs, again]) expect((await stage.store.getConnection(userId))?.active).toBe(true);

    // Disconnecting one leaves the account registered at Polar for the others; the last one out deregisters it.
    expect((await stage.other.v2("DELETE", `/auth/deauthenticateUser?user_id=${theirs}`)).status).toBe(200);
    expect((await stage.v2("DELETE", `/auth/deauthenticateUser?user_id=${second}`)).status).toBe(200);
    await Promise.all([told("deauth", theirs, stage.other.receiver), told("deauth", second)]);
    expect(callsFor("disconnect")).toEqual([]);
    expect((await stage.v2("DELETE", `/auth/deauthenticateUser?user_id=${again}`)).status).toBe(200);
    expect(callsFor("disconnect").map((call) => call.path)).toEqual([`/v3/users/${TOM.account}`]);
  });
});
