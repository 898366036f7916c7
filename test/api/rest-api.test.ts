import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PullJobData } from "@tributary/core/queue";
import type { AuthorizationRequest, ProviderAuthorizer } from "@tributary/core/services";
import { startApiHarness, type Account, type ApiHarness } from "./api-harness.ts";

/**
 * The /v2 API answer by answer, without workers: what each endpoint answers (every answer checked against
 * the server's OpenAPI document by the harness), and what it leaves in the state store and the queues.
 */

const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, any>;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

let api: ApiHarness;
let authorizerWired = false;
const begun: AuthorizationRequest[] = [];
const authorizer: ProviderAuthorizer = {
  handles: (provider) => authorizerWired && provider === "OAUTHY",
  async begin(request) {
    begun.push(request);
    return { userId: randomUUID(), authUrl: `https://oauthy.example/authorize?state=${randomUUID()}` };
  },
};

beforeAll(async () => {
  api = await startApiHarness({ authorizer });
});
afterAll(async () => {
  await api?.close();
});

/** A SANDBOX user of `who`, connected through the API as a developer would. */
async function connect(who: Account, referenceId?: string): Promise<string> {
  const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { as: who, body: referenceId ? { reference_id: referenceId } : {} });
  expect(response.statusCode, response.body).toBe(200);
  return json(response).user_id as string;
}

/** Deliver jobs queued for a destination (the harness runs no workers: they stay there). */
async function queuedFor(destination: string, type?: string) {
  const jobs = await api.app.producer.deliverTo(destination).getJobs(["waiting", "prioritized", "delayed"]);
  return jobs.filter((job) => type === undefined || job.data.eventType === type);
}

async function pullJob(reference: string): Promise<PullJobData | undefined> {
  const jobs = await api.app.producer.pull.getJobs(["waiting", "prioritized"]);
  return jobs.map((job) => job.data as PullJobData).find((data) => data.reference === reference);
}

describe("authentication", () => {
  // One request per authenticated operation.
  const operations: Array<[method: "GET" | "POST" | "DELETE", url: string, body?: unknown]> = [
    ["POST", "/v2/auth/generateWidgetSession", {}],
    ["POST", "/v2/auth/authenticateUser?resource=SANDBOX", {}],
    ["DELETE", `/v2/auth/deauthenticateUser?user_id=${randomUUID()}`],
    ["GET", `/v2/userInfo?user_id=${randomUUID()}`],
    ["POST", "/v2/bulkUserInfo", [randomUUID()]],
    ["GET", "/v2/subscriptions"],
    ["POST", `/v2/users/${randomUUID()}/pause`],
    ["POST", `/v2/users/${randomUUID()}/resume`],
    ...["activity", "body", "daily", "sleep", "nutrition", "menstruation"].map(
      (type) => ["GET", `/v2/${type}?user_id=${randomUUID()}&start_date=${day(-3)}`] as ["GET", string],
    ),
    ["GET", `/v2/athlete?user_id=${randomUUID()}`],
    // Terra endpoints this server does not implement: refused as anyone's call would be, before saying so.
    ["POST", "/v2/auth/generateAuthToken"],
    ["GET", `/v2/lab-reports/${randomUUID()}`],
  ];

  it("every call without dev-id or x-api-key gets Terra's 401", async () => {
    for (const [method, url, body] of operations) {
      const variants: Array<Record<string, string>> = [{}, { "dev-id": api.a.devId }, { "x-api-key": api.a.apiKey }, { "dev-id": "", "x-api-key": "" }];
      for (const headers of variants) {
        const response = await api.call(method, url, { as: null, headers, body });
        expect(response.statusCode, `${method} ${url} ${JSON.stringify(Object.keys(headers))}`).toBe(401);
        expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
        expect(json(response)).toEqual({
          type: "about:blank",
          title: "unauthorized",
          instance: url,
          detail: "dev-id or x-api-key headers are missing",
          code: "ERR_API_UNAUTHORIZED",
        });
      }
    }
  });

  it("a wrong key, another developer's key, or an unknown dev-id is refused", async () => {
    const wrong = [
      { "dev-id": api.a.devId, "x-api-key": `${api.a.apiKey}x` },
      { "dev-id": api.a.devId, "x-api-key": api.b.apiKey },
      { "dev-id": api.b.devId, "x-api-key": api.a.apiKey },
      { "dev-id": "nobody", "x-api-key": api.a.apiKey },
      { "dev-id": api.a.devId.toUpperCase(), "x-api-key": api.a.apiKey },
    ];
    for (const [method, url, body] of operations) {
      for (const headers of wrong) {
        const response = await api.call(method, url, { as: null, headers, body });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(json(response).detail).toBe("dev-id and x-api-key do not match a developer account");
      }
    }
  });

  it("a key configured only as its sha256 digest is accepted", async () => {
    expect((await api.call("GET", "/v2/subscriptions", { as: api.b })).statusCode).toBe(200);
  });

  it("an unknown /v2 path answers a problem 404", async () => {
    // Not in the document, by definition: asked of the server directly.
    const response = await api.app.http().inject({ method: "GET", url: "/v2/nothing-here", headers: { "dev-id": api.a.devId, "x-api-key": api.a.apiKey } });
    expect(response.statusCode).toBe(404);
    expect(json(response)).toMatchObject({ type: "about:blank", title: "not found", instance: "/v2/nothing-here" });
  });
});

describe("POST /v2/auth/generateWidgetSession", () => {
  it("stores a session of the developer's providers and answers Terra's shape with the server's widget URL", async () => {
    const response = await api.call("POST", "/v2/auth/generateWidgetSession", {
      as: api.b,
      body: { reference_id: "user-42", language: "en", auth_success_redirect_url: "https://app.example/ok?x=1" },
    });
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(body).toEqual({ status: "success", session_id: expect.any(String), url: `https://tributary.test/widget/${body.session_id}`, expires_in: 900 });
    expect(await api.store.getWidgetSession(body.session_id)).toMatchObject({
      developer_id: api.b.devId,
      providers: ["SANDBOX"],
      language: "en",
      reference_id: "user-42",
      success_redirect_url: "https://app.example/ok?x=1",
      failure_redirect_url: null,
    });
    const all = json(await api.call("POST", "/v2/auth/generateWidgetSession", { as: api.a, body: {} }));
    expect((await api.store.getWidgetSession(all.session_id))?.providers).toEqual(["OAUTHY", "SANDBOX"]);
  });

  it("takes the providers asked for, in any case and spacing, only among the developer's", async () => {
    const asked = json(await api.call("POST", "/v2/auth/generateWidgetSession", { as: api.a, body: { providers: " oauthy , SANDBOX,oauthy" } }));
    expect((await api.store.getWidgetSession(asked.session_id))?.providers).toEqual(["OAUTHY", "SANDBOX"]);
    const refused = await api.call("POST", "/v2/auth/generateWidgetSession", { as: api.b, body: { providers: "SANDBOX,OAUTHY,NOPE" } });
    expect(refused.statusCode).toBe(400);
    expect(json(refused).detail).toMatch(/^invalid providers: OAUTHY, NOPE are not available to this developer/);
  });

  it("refuses redirect URLs that are not absolute http(s), and malformed bodies", async () => {
    for (const url of ["javascript:alert(1)", "/relative/path", "not a url", "ftp://files.example/x"]) {
      const response = await api.call("POST", "/v2/auth/generateWidgetSession", { body: { auth_failure_redirect_url: url } });
      expect(response.statusCode, url).toBe(400);
      expect(json(response).detail).toMatch(/^invalid auth_failure_redirect_url/);
    }
    const array = await api.call("POST", "/v2/auth/generateWidgetSession", { body: ["SANDBOX"] });
    expect(array.statusCode, array.body).toBe(400);
    const object = await api.call("POST", "/v2/auth/generateWidgetSession", { body: { language: { en: true } } });
    expect(object.statusCode, object.body).toBe(400);
    const broken = await api.call("POST", "/v2/auth/generateWidgetSession", { headers: { "content-type": "application/json" }, body: undefined });
    expect(broken.statusCode).toBe(400);
  });
});

describe("POST /v2/auth/authenticateUser", () => {
  it("connects a SANDBOX user at once, for the developer, and sends the user to the success URL", async () => {
    const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", {
      as: api.b,
      body: { reference_id: "ref-b-1", auth_success_redirect_url: "https://app.example/done?keep=1" },
    });
    expect(response.statusCode).toBe(200);
    const { user_id: userId, auth_url: authUrl, status } = json(response);
    expect(status).toBe("success");
    const url = new URL(authUrl);
    expect(`${url.origin}${url.pathname}`).toBe("https://app.example/done");
    expect(Object.fromEntries(url.searchParams)).toEqual({ keep: "1", user_id: userId, resource: "SANDBOX", reference_id: "ref-b-1" });
    expect(await api.store.getConnection(userId)).toMatchObject({ developer_id: api.b.devId, provider: "SANDBOX", reference_id: "ref-b-1", active: true });
    // The auth event goes to b's destination only, and the backfill is queued.
    expect((await queuedFor("b-hook", "auth")).some((job) => job.data.userId === userId)).toBe(true);
    expect((await queuedFor("a-hook", "auth")).some((job) => job.data.userId === userId)).toBe(false);
    const backfill = (await api.app.producer.pull.getJobs(["prioritized", "waiting"])).filter((job) => (job.data as PullJobData).userId === userId);
    expect(backfill.map((job) => (job.data as PullJobData).dataType).sort()).toEqual([
      "activity",
      "athlete",
      "body",
      "daily",
      "menstruation",
      "nutrition",
      "sleep",
    ]);
  });

  it("without a reference_id, the success URL still carries reference_id, written null as Terra writes it", async () => {
    const response = await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", {
      as: api.b,
      body: { auth_success_redirect_url: "https://app.example/done" },
    });
    expect(response.statusCode, response.body).toBe(200);
    const { user_id: userId, auth_url: authUrl } = json(response);
    expect(Object.fromEntries(new URL(authUrl).searchParams)).toEqual({ user_id: userId, resource: "SANDBOX", reference_id: "null" });
    expect((await api.store.getConnection(userId))?.reference_id).toBeNull();
  });

  it("without a success URL, lands on the server's result page", async () => {
    const { auth_url: authUrl, user_id: userId } = json(await api.call("POST", "/v2/auth/authenticateUser?resource=sandbox", { body: {} }));
    const url = new URL(authUrl);
    expect(`${url.origin}${url.pathname}`).toBe("https://tributary.test/connect/result");
    expect(url.searchParams.get("user_id")).toBe(userId);
    expect(url.searchParams.get("status")).toBe("success");
    const page = await api.app.http().inject({ method: "GET", url: `${url.pathname}${url.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Your Sandbox account is connected");
    const hostile = await api.app.http().inject({ method: "GET", url: "/connect/result?status=failure&resource=%3Cscript%3Ealert(1)%3C/script%3E" });
    expect(hostile.body).not.toContain("<script>");
    expect(hostile.body).toContain("was not connected");
  });

  it("answers 501, Terra-shaped, for a provider whose flow is not wired, and 404 for one the developer does not offer", async () => {
    authorizerWired = false;
    const unwired = await api.call("POST", "/v2/auth/authenticateUser?resource=OAUTHY", { as: api.a, body: {} });
    expect(unwired.statusCode).toBe(501);
    expect(json(unwired)).toMatchObject({ type: "about:blank", title: "not implemented", code: "ERR_AUTH_FLOW_UNAVAILABLE" });
    expect(json(unwired).detail).toMatch(/^connecting OAUTHY users is not available on this server yet/);
    for (const [who, resource] of [
      [api.b, "OAUTHY"],
      [api.a, "NOPE"],
      [api.a, "GARMIN"],
    ] as const) {
      const response = await api.call("POST", `/v2/auth/authenticateUser?resource=${resource}`, { as: who, body: {} });
      expect(response.statusCode, resource).toBe(404);
      expect(json(response).code).toBe("ERR_PROVIDER_NOT_OFFERED");
    }
    expect((await api.call("POST", "/v2/auth/authenticateUser", { body: {} })).statusCode).toBe(400);
    expect((await api.call("POST", "/v2/auth/authenticateUser?resource=SANDBOX", { body: { auth_success_redirect_url: "data:text/html,x" } })).statusCode).toBe(
      400,
    );
  });

  it("hands providers with their own flow to the authorizer seam", async () => {
    authorizerWired = true;
    try {
      const response = await api.call("POST", "/v2/auth/authenticateUser?resource=OAUTHY", {
        as: api.a,
        body: { reference_id: "r-1", language: "fr", auth_success_redirect_url: "https://app.example/s", auth_failure_redirect_url: "https://app.example/f" },
      });
      expect(response.statusCode).toBe(200);
      expect(json(response).auth_url).toMatch(/^https:\/\/oauthy\.example\/authorize\?state=/);
      expect(begun.at(-1)).toEqual({
        developerId: api.a.devId,
        provider: "OAUTHY",
        referenceId: "r-1",
        language: "fr",
        successRedirectUrl: "https://app.example/s",
        failureRedirectUrl: "https://app.example/f",
      });
    } finally {
      authorizerWired = false;
    }
  });
});

describe("DELETE /v2/auth/deauthenticateUser", () => {
  it("deauthenticates one of the developer's users once; a second call is a no-op", async () => {
    const userId = await connect(api.b);
    const first = await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
    expect(first.statusCode).toBe(200);
    expect(json(first)).toEqual({ status: "success", message: "User has been deauthenticated" });
    expect((await api.store.getConnection(userId))?.active).toBe(false);
    const second = await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
    expect(json(second)).toEqual({ status: "success", message: "User was already deauthenticated; nothing was done" });
    const deauths = (await queuedFor("b-hook", "deauth")).filter((job) => job.data.userId === userId || job.data.eraseUser?.user_id === userId);
    // One erase + deauth, and one delayed erase sweep: not twice that.
    expect(deauths).toHaveLength(2);
    expect((await queuedFor("a-hook", "deauth")).filter((job) => job.data.eraseUser?.user_id === userId)).toEqual([]);
  });

  it("answers 404 for an unknown user and for another developer's, which stays connected", async () => {
    const theirs = await connect(api.a);
    for (const userId of [randomUUID(), "not-a-uuid", theirs]) {
      const response = await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
      expect(response.statusCode, userId).toBe(404);
      expect(json(response).detail).toMatch(/^No user /);
    }
    expect((await api.store.getConnection(theirs))?.active).toBe(true);
    expect((await api.call("DELETE", "/v2/auth/deauthenticateUser", { as: api.b })).statusCode).toBe(400);
  });
});

describe("users: userInfo, bulkUserInfo, subscriptions", () => {
  let reference: string;
  let mine: string[];
  let theirs: string;
  beforeAll(async () => {
    reference = `shared-${randomUUID()}`;
    mine = [await connect(api.b, reference), await connect(api.b, reference)];
    theirs = await connect(api.a, reference);
  });

  it("userInfo by user_id: the user with bookkeeping; another developer's or an unknown one is 404", async () => {
    const response = await api.call("GET", `/v2/userInfo?user_id=${mine[0]}`, { as: api.b });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({
      status: "success",
      is_authenticated: true,
      user: { user_id: mine[0], provider: "SANDBOX", reference_id: reference, active: true, last_polled_at: null, paused_at: null },
    });
    for (const userId of [theirs, randomUUID(), "garbage"]) {
      const refused = await api.call("GET", `/v2/userInfo?user_id=${userId}`, { as: api.b });
      expect(refused.statusCode, userId).toBe(404);
    }
  });

  it("userInfo by reference_id: only the developer's own users of that reference", async () => {
    const users = json(await api.call("GET", `/v2/userInfo?reference_id=${reference}`, { as: api.b })) as unknown as Array<{ user_id: string }>;
    expect(users.map((user) => user.user_id).sort()).toEqual([...mine].sort());
    const other = json(await api.call("GET", `/v2/userInfo?reference_id=${reference}`, { as: api.a })) as unknown as Array<{ user_id: string }>;
    expect(other.map((user) => user.user_id)).toEqual([theirs]);
    expect((await api.call("GET", `/v2/userInfo?reference_id=nobody-${randomUUID()}`, { as: api.b })).statusCode).toBe(404);
  });

  it("userInfo needs exactly one of user_id and reference_id", async () => {
    for (const query of ["", `?user_id=${mine[0]}&reference_id=${reference}`]) {
      const response = await api.call("GET", `/v2/userInfo${query}`, { as: api.b });
      expect(response.statusCode).toBe(400);
      expect(json(response).detail).toMatch(/^give either user_id or reference_id/);
    }
  });

  it("a deauthenticated user is reported, not authenticated", async () => {
    const userId = await connect(api.b);
    await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
    const body = json(await api.call("GET", `/v2/userInfo?user_id=${userId}`, { as: api.b }));
    expect(body).toMatchObject({ is_authenticated: false, user: { active: false } });
  });

  it("bulkUserInfo answers the developer's users among those asked, in order, and 404 when there are none", async () => {
    const response = await api.call("POST", "/v2/bulkUserInfo", { as: api.b, body: [mine[1], theirs, randomUUID(), "junk", mine[0], mine[1]] });
    expect(response.statusCode).toBe(200);
    expect((json(response) as unknown as Array<{ user_id: string }>).map((user) => user.user_id)).toEqual([mine[1], mine[0]]);
    expect((await api.call("POST", "/v2/bulkUserInfo", { as: api.b, body: [theirs] })).statusCode).toBe(404);
    expect((await api.call("POST", "/v2/bulkUserInfo", { as: api.b, body: [] })).statusCode).toBe(404);
    expect((await api.call("POST", "/v2/bulkUserInfo", { as: api.b, body: { user_ids: mine } })).statusCode).toBe(400);
    expect((await api.call("POST", "/v2/bulkUserInfo", { as: api.b, body: Array.from({ length: 1001 }, () => randomUUID()) })).statusCode).toBe(400);
  });

  it("subscriptions lists the developer's connected users, all at once or by zero-based page", async () => {
    const all = json(await api.call("GET", "/v2/subscriptions", { as: api.b })).users as Array<{ user_id: string; active: boolean }>;
    expect(all.map((user) => user.user_id)).toEqual(expect.arrayContaining(mine));
    expect(all.map((user) => user.user_id)).not.toContain(theirs);
    expect(all.every((user) => user.active)).toBe(true);

    const pages: string[] = [];
    for (let page: number | null = 0; page !== null; ) {
      const { data } = json(await api.call("GET", `/v2/subscriptions?page=${page}&per_page=2`, { as: api.b }));
      expect(data.max_page).toBe(Math.ceil(all.length / 2) - 1);
      expect(data.results.length).toBeLessThanOrEqual(2);
      pages.push(...data.results.map((user: { user_id: string }) => user.user_id));
      page = data.next;
    }
    expect(pages).toEqual(all.map((user) => user.user_id));
    const beyond = json(await api.call("GET", "/v2/subscriptions?page=999&per_page=2", { as: api.b }));
    expect(beyond.data).toMatchObject({ next: null, results: [] });
    for (const query of ["page=-1", "per_page=0", "per_page=1001", "page=one"]) {
      expect((await api.call("GET", `/v2/subscriptions?${query}`, { as: api.b })).statusCode, query).toBe(400);
    }
  });
});

describe("integrations", () => {
  it("lists the server's providers without credentials, and a developer's own with its dev-id", async () => {
    const open = json(await api.call("GET", "/v2/integrations", { as: null }));
    expect(open).toEqual({ status: "success", providers: ["OAUTHY", "SANDBOX"], sdk_providers: [] });
    expect(json(await api.call("GET", "/v2/integrations", { as: api.b })).providers).toEqual(["SANDBOX"]);
    expect(json(await api.call("GET", "/v2/integrations", { as: null, headers: { "dev-id": api.b.devId } })).providers).toEqual(["SANDBOX"]);
  });

  it("both lists are public, as Terra's spec declares them (security: []): no key is checked, so none is refused", async () => {
    const headerSets: Array<Record<string, string>> = [
      { "x-api-key": "wrong-key-0123456789" },
      { "dev-id": api.b.devId, "x-api-key": "wrong-key-0123456789" },
      { "dev-id": "nobody-here", "x-api-key": "wrong-key-0123456789" },
      { "dev-id": "nobody-here" },
    ];
    for (const path of ["/v2/integrations", "/v2/integrations/detailed"]) {
      for (const headers of headerSets) {
        const response = await api.call("GET", path, { as: null, headers });
        expect(response.statusCode, `${path} ${JSON.stringify(headers)}`).toBe(200);
        expect(json(response).status).toBe("success");
      }
    }
    // A dev-id that names no account shows the server's view.
    expect(json(await api.call("GET", "/v2/integrations", { as: null, headers: { "dev-id": "nobody-here" } })).providers).toEqual(["OAUTHY", "SANDBOX"]);
    const spec = json(await api.call("GET", "/v2/openapi.json", { as: null })) as any;
    for (const path of ["/v2/integrations", "/v2/integrations/detailed"]) {
      expect(spec.paths[path].get.security, path).toEqual([]);
      expect(Object.keys(spec.paths[path].get.responses), path).not.toContain("401");
    }
  });

  it("details each provider: name, icon, setup, data types, and whether the developer offers it", async () => {
    const { providers } = json(await api.call("GET", "/v2/integrations/detailed?sdk=true", { as: api.b }));
    expect(providers).toEqual([
      {
        provider: "OAUTHY",
        name: "OAuthy",
        icon: "https://oauthy.example/icon.png",
        setup: "API_KEYS_MANAGED",
        enabled: false,
        types: { activity: true, body: false, nutrition: false, daily: false, sleep: false, menstruation: false },
      },
      {
        provider: "SANDBOX",
        name: "Sandbox",
        icon: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
        setup: "NONE",
        enabled: true,
        types: { activity: true, body: true, nutrition: true, daily: true, sleep: true, menstruation: true },
      },
    ]);
    expect(json(await api.call("GET", "/v2/integrations/detailed", { as: api.a })).providers.map((p: { enabled: boolean }) => p.enabled)).toEqual([true, true]);
    expect((await api.call("GET", "/v2/integrations/detailed?sdk=perhaps", { as: null })).statusCode).toBe(400);
  });
});

describe("data requests", () => {
  let userId: string;
  beforeAll(async () => {
    userId = await connect(api.b);
  });

  it("to_webhook (the default) answers with a reference and queues the pull that delivers it", async () => {
    const response = await api.call("GET", `/v2/sleep?user_id=${userId}&start_date=${day(-7)}&end_date=${day(-1)}&with_samples=true`, { as: api.b });
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(body).toEqual({
      status: "success",
      type: "sleep",
      reference: expect.any(String),
      trace_id: body.reference,
      user: expect.objectContaining({ user_id: userId, provider: "SANDBOX" }),
    });
    expect(response.headers["terra-reference"]).toBe(body.reference);
    expect(response.headers["x-terra-ratelimit-limit"]).toBe("6000");
    expect(Number(response.headers["x-terra-ratelimit-remaining"])).toBeLessThanOrEqual(6000 - 7);
    expect(Number(response.headers["x-terra-ratelimit-reset-after"])).toBeGreaterThan(0);
    expect(await pullJob(body.reference)).toMatchObject({
      userId,
      dataType: "sleep",
      reason: "request",
      withSamples: true,
      start: `${day(-7)}T00:00:00.000Z`,
      end: `${day(0)}T00:00:00.000Z`,
    });
  });

  it("to_webhook=false answers the data itself, valid Terra records (checked against the document)", async () => {
    const response = await api.call("GET", `/v2/daily?user_id=${userId}&start_date=${day(-4)}&end_date=${day(-2)}&to_webhook=false`, { as: api.b });
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(body.type).toBe("daily");
    expect(body.user.user_id).toBe(userId);
    expect(body.data.length).toBeGreaterThanOrEqual(3);
    expect(response.headers["terra-reference"]).toBeUndefined();
    const seconds = Math.floor(Date.now() / 1000);
    const activity = json(
      await api.call("GET", `/v2/activity?user_id=${userId}&start_date=${seconds - 5 * 86_400}&end_date=${seconds}&to_webhook=false&with_samples=true`, {
        as: api.b,
      }),
    );
    expect(activity.type).toBe("activity");
    const athlete = await api.call("GET", `/v2/athlete?user_id=${userId}&to_webhook=false`, { as: api.b });
    expect(json(athlete)).toMatchObject({ type: "athlete", user: { user_id: userId }, athlete: expect.any(Object) });
    const athleteAsync = json(await api.call("GET", `/v2/athlete?user_id=${userId}`, { as: api.b }));
    expect(athleteAsync).toMatchObject({ status: "success", type: "athlete" });
  });

  it("a range longer than the large-request size is delivered, announced and chunked, even with to_webhook=false", async () => {
    const response = await api.call("GET", `/v2/body?user_id=${userId}&start_date=${day(-40)}&to_webhook=false`, { as: api.b });
    const body = json(response);
    expect(body.message).toMatch(/^Large request submitted/);
    const announcements = await queuedFor("b-hook", "large_request_processing");
    expect(announcements.some((job) => job.data.reference === body.reference)).toBe(true);
    expect(await pullJob(body.reference)).toMatchObject({ dataType: "body", reason: "request" });
  });

  it("refuses bad, reversed and future dates with 400, saying which", async () => {
    const cases: Array<[query: string, detail: RegExp]> = [
      [`start_date=yesterday`, /^invalid start_date "yesterday"/],
      [`start_date=2024-13-01`, /^invalid start_date "2024-13-01"/],
      [`start_date=2024-02-30`, /^invalid start_date "2024-02-30"/],
      [`start_date=1709251200000`, /looks like milliseconds/],
      [`start_date=${day(-1)}&end_date=soon`, /^invalid end_date "soon"/],
      [`start_date=${day(-1)}&end_date=${day(-5)}`, /is not after start_date/],
      [`start_date=${day(3)}`, /is in the future/],
      [``, /^missing query parameter start_date/],
      [`start_date=${day(-2)}&to_webhook=maybe`, /^invalid query parameter to_webhook/],
    ];
    for (const [query, detail] of cases) {
      const response = await api.call("GET", `/v2/activity?user_id=${userId}${query ? `&${query}` : ""}`, { as: api.b });
      expect(response.statusCode, query).toBe(400);
      expect(json(response).detail, query).toMatch(detail);
    }
    expect((await api.call("GET", `/v2/activity?start_date=${day(-2)}`, { as: api.b })).statusCode).toBe(400);
  });

  it("an unknown user, another developer's user, a deauthenticated one: 404; a data type the provider lacks: 400", async () => {
    const theirs = await connect(api.a);
    const gone = await connect(api.b);
    await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${gone}`, { as: api.b });
    for (const other of [randomUUID(), theirs, gone]) {
      const response = await api.call("GET", `/v2/nutrition?user_id=${other}&start_date=${day(-2)}`, { as: api.b });
      expect(response.statusCode, other).toBe(404);
    }
    const oauthy = await api.store.createConnection({ provider: "OAUTHY", developerId: api.a.devId });
    const unsupported = await api.call("GET", `/v2/sleep?user_id=${oauthy.user_id}&start_date=${day(-2)}`, { as: api.a });
    expect(unsupported.statusCode).toBe(400);
    expect(json(unsupported)).toMatchObject({ code: "ERR_DATA_TYPE_UNSUPPORTED" });
  });

  it("a paused user's data cannot be requested (409) until it is resumed", async () => {
    const paused = await connect(api.b);
    const pause = await api.call("POST", `/v2/users/${paused}/pause`, { as: api.b });
    expect(pause.statusCode).toBe(200);
    const refused = await api.call("GET", `/v2/daily?user_id=${paused}&start_date=${day(-2)}&to_webhook=false`, { as: api.b });
    expect(refused.statusCode).toBe(409);
    expect(json(refused)).toMatchObject({ title: "conflict", code: "ERR_CONNECTION_PAUSED" });
    await api.call("POST", `/v2/users/${paused}/resume`, { as: api.b });
    expect((await api.call("GET", `/v2/daily?user_id=${paused}&start_date=${day(-2)}&to_webhook=false`, { as: api.b })).statusCode).toBe(200);
  });

  it("rule r1: one request spans at most 1,825 days (429 with the rule, no Retry-After)", async () => {
    const seconds = Math.floor(Date.now() / 1000);
    const response = await api.call("GET", `/v2/activity?user_id=${userId}&start_date=${seconds - 1826 * 86_400}&end_date=${seconds}`, { as: api.b });
    expect(response.statusCode).toBe(429);
    expect(response.headers["x-terra-ratelimit-rule"]).toBe("r1");
    expect(response.headers["retry-after"]).toBeUndefined();
    expect(json(response)).toMatchObject({ type: "about:blank", title: "too many requests", detail: "rate limit exceeded" });
    const atTheLimit = await api.call("GET", `/v2/activity?user_id=${userId}&start_date=${seconds - 1825 * 86_400}&end_date=${seconds}`, { as: api.b });
    expect(atTheLimit.statusCode).toBe(200);
  });

  it("rule r2: at most 6,000 days of one user per rolling hour (429 with the rule and Retry-After); other users are unaffected", async () => {
    const heavy = await connect(api.b);
    const seconds = Math.floor(Date.now() / 1000);
    const big = `start_date=${seconds - 1800 * 86_400}&end_date=${seconds}`;
    for (let i = 0; i < 3; i++) expect((await api.call("GET", `/v2/daily?user_id=${heavy}&${big}`, { as: api.b })).statusCode).toBe(200);
    const last = await api.call("GET", `/v2/daily?user_id=${heavy}&start_date=${seconds - 500 * 86_400}&end_date=${seconds}`, { as: api.b });
    expect(last.headers["x-terra-ratelimit-remaining"]).toBe(String(6000 - 3 * 1800 - 500));
    const refused = await api.call("GET", `/v2/daily?user_id=${heavy}&start_date=${seconds - 200 * 86_400}&end_date=${seconds}`, { as: api.b });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["x-terra-ratelimit-rule"]).toBe("r2");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(3000);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(3600);
    // What still fits is let through.
    expect((await api.call("GET", `/v2/daily?user_id=${heavy}&start_date=${seconds - 100 * 86_400}&end_date=${seconds}`, { as: api.b })).statusCode).toBe(200);
    expect((await api.call("GET", `/v2/daily?user_id=${userId}&start_date=${day(-2)}`, { as: api.b })).statusCode).toBe(200);
  });
});

describe("pause and resume (Tributary extension)", () => {
  it("pause is idempotent, resume pulls what the pause held back; both confined to the developer's users", async () => {
    const userId = await connect(api.b);
    const first = json(await api.call("POST", `/v2/users/${userId}/pause`, { as: api.b }));
    expect(first).toMatchObject({ status: "success", user: { user_id: userId, active: true }, paused_at: expect.any(String) });
    const again = json(await api.call("POST", `/v2/users/${userId}/pause`, { as: api.b }));
    expect(again.paused_at).toBe(first.paused_at);
    expect(json(await api.call("GET", `/v2/userInfo?user_id=${userId}`, { as: api.b })).user.paused_at).toBe(first.paused_at);

    for (const action of ["pause", "resume"]) {
      expect((await api.call("POST", `/v2/users/${userId}/${action}`, { as: api.a })).statusCode, action).toBe(404);
      expect((await api.call("POST", `/v2/users/${randomUUID()}/${action}`, { as: api.b })).statusCode, action).toBe(404);
    }

    const resumed = await api.call("POST", `/v2/users/${userId}/resume`, { as: api.b });
    expect(json(resumed)).toMatchObject({ status: "success", user: { user_id: userId }, catch_up: { start: first.paused_at } });
    const catchUp = (await api.app.producer.pull.getJobs(["prioritized"])).filter(
      (job) => (job.data as PullJobData).userId === userId && (job.data as PullJobData).start === first.paused_at,
    );
    expect(catchUp).toHaveLength(7);
    expect(json(await api.call("POST", `/v2/users/${userId}/resume`, { as: api.b })).catch_up).toBeUndefined();

    await api.call("DELETE", `/v2/auth/deauthenticateUser?user_id=${userId}`, { as: api.b });
    expect((await api.call("POST", `/v2/users/${userId}/pause`, { as: api.b })).statusCode).toBe(404);
  });
});

describe("Terra endpoints this server does not implement", () => {
  // Terra's published v2 API, and what Terra's JavaScript SDK 2.x calls besides (PATCH /users/{id}, data
  // written to providers, /plannedWorkout).
  const terraOnly: Array<[method: "GET" | "POST" | "DELETE" | "PATCH", path: string]> = [
    ["POST", "/v2/auth/generateAuthToken"],
    ["POST", "/v2/workouts"],
    ["GET", "/v2/workouts"],
    ["GET", "/v2/workouts/w-1"],
    ["DELETE", "/v2/workouts/w-1"],
    ["POST", "/v2/workouts/w-1/plan"],
    ["GET", "/v2/plannedWorkouts"],
    ["GET", "/v2/plannedWorkouts/p-1"],
    ["PATCH", "/v2/plannedWorkouts/p-1"],
    ["DELETE", "/v2/plannedWorkouts/p-1"],
    ["POST", "/v2/lab-reports"],
    ["GET", "/v2/lab-reports"],
    ["GET", "/v2/lab-reports/297405620317847552"],
    ["DELETE", "/v2/lab-reports/297405620317847552"],
    ["GET", "/v2/lab-reports/297405620317847552/deliveries"],
    ["GET", "/v2/lab-reports/297405620317847552/files"],
    ["PATCH", "/v2/users/u-1"],
    ["POST", "/v2/activity"],
    ["POST", "/v2/body"],
    ["DELETE", "/v2/body"],
    ["POST", "/v2/nutrition"],
    ["DELETE", "/v2/nutrition"],
    ["GET", "/v2/plannedWorkout"],
    ["POST", "/v2/plannedWorkout"],
    ["DELETE", "/v2/plannedWorkout"],
  ];

  it("each answers 501 in Terra's problem shape, naming the endpoint and what to do instead", async () => {
    for (const [method, path] of terraOnly) {
      const url = `${path}?user_id=${randomUUID()}`;
      const response = await api.call(method, url, method === "GET" || method === "DELETE" ? {} : { body: { reference_id: "r" } });
      expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(501);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      const problem = json(response);
      expect(problem).toEqual({ type: "about:blank", title: "not implemented", instance: url, detail: expect.any(String), code: "ERR_API_NOT_IMPLEMENTED" });
      expect(problem.detail).toContain(
        `${method} ${path.replace(/(w-1|p-1|u-1|297405620317847552)/, "{id}")} is a Terra endpoint this server does not implement`,
      );
      expect(problem.detail.length, problem.detail).toBeGreaterThan(120);
    }
  });

  it("says what the application can do instead, per endpoint", async () => {
    const detail = async (method: "POST" | "PATCH", url: string) => json(await api.call(method, url, { body: {} })).detail as string;
    expect(await detail("POST", "/v2/auth/generateAuthToken")).toMatch(/generateWidgetSession|authenticateUser/);
    expect(await detail("PATCH", "/v2/users/u-1")).toMatch(/\/v2\/users\/\{user_id\}\/pause/);
    expect(await detail("POST", "/v2/activity")).toMatch(/writes nothing to providers/);
  });

  it("the body is never read: an upload of any type and size is answered 501, not 413 or 415", async () => {
    const response = await api.call("POST", "/v2/lab-reports", {
      headers: { "content-type": "multipart/form-data; boundary=xyz" },
      payload: `--xyz\r\ncontent-disposition: form-data; name="file"; filename="r.pdf"\r\n\r\n${"%PDF".repeat(50_000)}\r\n--xyz--\r\n`,
    });
    expect(response.statusCode, response.body).toBe(501);
    const broken = await api.call("POST", "/v2/auth/generateAuthToken", { headers: { "content-type": "application/json" }, payload: "{" });
    expect(broken.statusCode, broken.body).toBe(501);
  });

  it("other methods and paths stay unknown: 404", async () => {
    const headers = { "dev-id": api.a.devId, "x-api-key": api.a.apiKey };
    for (const [method, url] of [
      ["PUT", "/v2/workouts"],
      ["GET", "/v2/workouts/w-1/plan"],
      ["GET", "/v2/lab-reports/s-1/nothing"],
      ["GET", "/v2/users/u-1"],
    ] as const) {
      const response = await api.app.http().inject({ method, url, headers });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(json(response).code).toBe("ERR_API_NOT_FOUND");
    }
  });

  it("the OpenAPI document lists them, under their own tag, as answering 501", async () => {
    const document = json(await api.call("GET", "/v2/openapi.json"));
    const operation = document.paths["/v2/lab-reports/{session_id}/files"].get;
    expect(operation.tags).toEqual(["Terra endpoints not implemented"]);
    expect(Object.keys(operation.responses)).toContain("501");
    expect(Object.keys(operation.responses)).not.toContain("200");
  });
});

describe("the OpenAPI document", () => {
  it("is served with a browsable reference page, offline", async () => {
    const page = await api.app.http().inject({ method: "GET", url: "/v2/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    const script = page.body.match(/src="\.\/(static\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    expect((await api.app.http().inject({ method: "GET", url: `/v2/docs/${script}` })).statusCode).toBe(200);
  });

  it("describes every operation these tests called, and these tests called every operation", () => {
    expect(api.unseenOperations()).toEqual([]);
  });
});
