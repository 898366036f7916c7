import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchNotifiedRecords, type FetchAction } from "../../src/ingress/fetch-notified-records.ts";
import { createProviderClient } from "../../src/provider-http/provider-client.ts";
import { createUndiciTransport } from "../../src/provider-http/undici-transport.ts";
import { loadConnectorFile } from "../../src/spec/load-connector.ts";
import { createStreamExecutor } from "../../src/streams/stream-executor.ts";
import { fakeCredentials, reply, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";

const VALID = fileURLToPath(new URL("../spec/fixtures/valid/", import.meta.url));
const oura = loadConnectorFile(`${VALID}oura.yaml`);
const polar = loadConnectorFile(`${VALID}polar.yaml`);
const actionOf = (definition: typeof oura, event: string) => definition.spec.webhook!.events[event] as FetchAction;

/** Pushes that name what changed (Oura's object id, Polar's URL): fetched through the connection's provider session. */
describe("fetching what a push names", () => {
  let provider: MockProvider;
  const transport = createUndiciTransport();
  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/v2/usercollection/daily_activity/:id", (request, response) => reply(response, 200, { id: (request.params as { id: string }).id, score: 82 }));
      app.get("/v3/exercises/:id", (request, response) => reply(response, 200, { id: (request.params as { id: string }).id, sport: "RUNNING" }));
    });
  });
  afterAll(async () => {
    await provider?.close();
    await transport.close();
  });

  const sessionFor = (definition: typeof oura) => {
    const client = createProviderClient({ spec: definition.spec, settings: { baseUrl: provider.url }, transport });
    return client.session({ userId: "terra-user", credentials: fakeCredentials(["oura-token"]) });
  };
  const executor = (definition: typeof oura) => createStreamExecutor({ spec: definition.spec });
  const connectionOf = (definition: typeof oura) => ({ userId: "terra-user", provider: definition.spec.name, providerUserId: "u" });

  it("pull_object: the object by id, through the named stream's object request, with the user's credentials", async () => {
    const fetched = await fetchNotifiedRecords(
      oura,
      actionOf(oura, "daily_activity.create"),
      { object_id: "d-1", user_id: "u" },
      { session: sessionFor(oura), executor: executor(oura), connection: connectionOf(oura) },
    );
    expect(fetched).toEqual({ mapping: "daily", stream: "daily_activity", records: [{ id: "d-1", score: 82 }] });
    expect(provider.requests.at(-1)).toMatchObject({ path: "/v2/usercollection/daily_activity/d-1", headers: { authorization: "Bearer oura-token" } });
  });

  it("pull_object: a numeric id is read as text; a notification without an id can never be fetched", async () => {
    await expect(
      fetchNotifiedRecords(
        oura,
        actionOf(oura, "daily_activity.create"),
        { object_id: { x: 1 } },
        { session: sessionFor(oura), executor: executor(oura), connection: connectionOf(oura) },
      ),
    ).rejects.toMatchObject({ code: "ERR_PLUGIN_INVALID", errorClass: "user" });
    const numeric = await fetchNotifiedRecords(
      oura,
      actionOf(oura, "daily_activity.create"),
      { object_id: 42 },
      { session: sessionFor(oura), executor: executor(oura), connection: connectionOf(oura) },
    );
    expect(numeric.records).toEqual([{ id: "42", score: 82 }]);
  });

  it("pull_url: the records behind the URL on the provider's origin; a URL anywhere else is refused, nothing sent", async () => {
    const action = actionOf(polar, "EXERCISE");
    const fetched = await fetchNotifiedRecords(
      polar,
      action,
      { url: `${provider.url}/v3/exercises/aQlC83` },
      { session: sessionFor(polar), executor: executor(polar), connection: connectionOf(polar) },
    );
    expect(fetched).toEqual({ mapping: "activity", records: [{ id: "aQlC83", sport: "RUNNING" }] });
    const sent = provider.requests.length;
    await expect(
      fetchNotifiedRecords(
        polar,
        action,
        { url: "http://169.254.169.254/latest/meta-data" },
        { session: sessionFor(polar), executor: executor(polar), connection: connectionOf(polar) },
      ),
    ).rejects.toMatchObject({ code: "ERR_PROVIDER_URL_REFUSED", errorClass: "user" });
    await expect(
      fetchNotifiedRecords(polar, action, { url: 12 }, { session: sessionFor(polar), executor: executor(polar), connection: connectionOf(polar) }),
    ).rejects.toMatchObject({
      errorClass: "user",
    });
    expect(provider.requests.length).toBe(sent);
  });
});
