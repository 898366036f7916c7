import { randomBytes, randomUUID } from "node:crypto";
import type { ConnectorSpec, TimeFormat } from "@tributary/schemas";
import { compilePointer, readPointer } from "../spec/pointer.ts";
import { formatTime } from "../streams/time-format.ts";
import type { MockClock } from "./clock.ts";
import type { ProviderErrorKind } from "./error-shapes.ts";
import { runHandshakes } from "./handshakes.ts";
import { acknowledgement } from "../ingress/acknowledgement.ts";
import { sendPush, signPush } from "./push-sender.ts";
import { setPointer } from "./set-pointer.ts";
import { isRecord } from "../contracts/is-record.ts";

export type SubscriptionAction = "list" | "create" | "delete" | "renew";

export type SubscriptionAnswer = { status: number; body?: unknown } | { kind: ProviderErrorKind; message: string };

export interface SubscriptionServerOptions {
  clock: MockClock;
  /** How long a subscription lasts, when the spec says subscriptions expire. @default 30 days */
  lifetimeSeconds?: number;
  /** The provider's wait for the callback's handshake answer (Strava: 2 s). @default 2000 */
  handshakeTimeoutMs?: number;
  /** The client's secret, for a ping signed with it. */
  clientSecret: (clientId: string) => string | undefined;
}

export interface SubscriptionServer {
  /** Every subscription made, by client id: what the provider keeps. */
  readonly byClient: ReadonlyMap<string, readonly unknown[]>;
  answer(action: SubscriptionAction, request: { clientId: string; variables: Record<string, string>; body: unknown }): Promise<SubscriptionAnswer>;
}

const DEFAULT_LIFETIME_SECONDS = 30 * 86_400;

/**
 * The provider's side of the application's push subscription (`webhook.subscription`), from the spec:
 * create checks the callback the provider's way before it answers — the webhook's handshakes
 * (Strava's hub.challenge with the verify token, Oura's challenge) and the ping (Polar's signed PING,
 * with the new secret) must be answered — and refuses a second subscription (one per application,
 * or per key); listed subscriptions are written in the shape of the spec's list example, created ones
 * also carry what only creation shows (Polar's signature key); delete and renew find them by id;
 * subscriptions that expire do so on the mock's clock.
 */
export function createSubscriptionServer(spec: ConnectorSpec, options: SubscriptionServerOptions): SubscriptionServer {
  const webhook = spec.webhook!;
  const subscription = webhook.subscription!;
  const byClient = new Map<string, unknown[]>();
  const lifetimeMs = (options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS) * 1000;
  const listEnvelope = subscription.list.example;
  const recordsAt = subscription.list.records ?? "";
  const exampleRecord = firstRecord(listEnvelope, recordsAt);
  const idOf = compilePointer(subscription.fields.id);
  let sequence = typeof idOf(exampleRecord) === "number" ? Number(idOf(exampleRecord)) : 0;

  const newId = (): string | number => (typeof idOf(exampleRecord) === "number" ? ++sequence : randomUUID());
  const keyOf = (document: unknown) => (subscription.fields.key ?? []).map((pointer) => String(readPointer(document, pointer) ?? ""));
  const find = (clientId: string, id: string) => (byClient.get(clientId) ?? []).find((record) => String(idOf(record)) === id);
  const expiry = (record: unknown): unknown => {
    const expires = subscription.fields.expires;
    return expires ? setPointer(record, expires.path, formatTime(options.clock.now() + lifetimeMs, expires.format as TimeFormat)) : record;
  };

  async function create(clientId: string, variables: Record<string, string>, body: unknown): Promise<SubscriptionAnswer> {
    const callbackUrl = variables.webhook_url;
    if (!callbackUrl) return { kind: "bad_request", message: "callback url: missing" };
    const mine = byClient.get(clientId) ?? [];
    const key = keyOf(body);
    const clash = mine.find(
      (record) =>
        subscription.fields.key === undefined ||
        (readPointer(record, subscription.fields.callbackUrl) === callbackUrl && keyOf(record).join("\u0000") === key.join("\u0000")),
    );
    if (clash) return { kind: "bad_request", message: "already exists" };

    const checks = await runHandshakes(callbackUrl, webhook.handshakes ?? [], {
      ...(variables.verify_token !== undefined ? { verifyToken: variables.verify_token } : {}),
      timeoutMs: options.handshakeTimeoutMs ?? 2000,
    }).catch((error: Error) => [{ ok: false, detail: error.message }]);
    const failed = checks.find((check) => !check.ok);
    if (failed) return { kind: "bad_request", message: `callback url: the subscription check failed (${failed.detail})` };

    let record: unknown = structuredClone(exampleRecord ?? {});
    // The request's fields the provider keeps (Polar's events, Oura's event and data types), by the example's names.
    if (isRecord(body) && isRecord(record)) for (const name of Object.keys(record)) if (Object.hasOwn(body, name)) record[name] = structuredClone(body[name]);
    record = setPointer(record, subscription.fields.callbackUrl, callbackUrl);
    record = setPointer(record, subscription.fields.id, newId());
    record = expiry(record);
    // What creation alone shows (Polar's signature key): in the answer, never in a listing.
    let created: unknown = structuredClone(record);
    for (const { path } of subscription.settings ?? [])
      if (readPointer(created, path) === undefined) created = setPointer(created, path, randomBytes(16).toString("hex"));

    const ping = subscription.ping;
    if (ping) {
      // The ping is a push like any other to the provider: delivered only when answered as it documents.
      const acknowledgeStatus = acknowledgement(webhook).status;
      const verify = webhook.verify;
      const secretSource = "secret" in verify && verify.secret === "clientSecret" ? "clientSecret" : "pushSecret";
      const pushSecret = (subscription.settings ?? []).find((s) => s.setting === "pushSecret");
      const secret = secretSource === "clientSecret" ? options.clientSecret(clientId) : pushSecret ? String(readPointer(created, pushSecret.path)) : undefined;
      const sent = await sendPush(
        callbackUrl,
        signPush({ verify: webhook.verify, encoding: webhook.body ?? "json", payload: ping.example, secret: secret ?? "" }),
        { signal: AbortSignal.timeout(options.handshakeTimeoutMs ?? 2000), acknowledgeStatus },
      ).catch(() => undefined);
      if (!sent?.delivered)
        return { kind: "bad_request", message: `url: the ping was answered ${sent ? sent.status : "with nothing"}, not ${acknowledgeStatus}` };
    }
    mine.push(record);
    byClient.set(clientId, mine);
    return { status: 201, body: setPointer({}, subscription.created ?? "", created) };
  }

  return {
    byClient,
    async answer(action, { clientId, variables, body }) {
      if (action === "create") return create(clientId, variables, body);
      if (action === "list") {
        const records = structuredClone(byClient.get(clientId) ?? []);
        return { status: 200, body: recordsAt === "" ? records : setPointer(structuredClone(listEnvelope ?? {}), recordsAt, records) };
      }
      const id = variables.subscription_id ?? "";
      const record = find(clientId, id);
      if (record === undefined) return { kind: "not_found", message: `no subscription ${id}` };
      if (action === "delete") {
        byClient.set(
          clientId,
          (byClient.get(clientId) ?? []).filter((r) => r !== record),
        );
        return { status: 204 };
      }
      const renewed = expiry(record);
      return { status: 200, body: setPointer({}, subscription.created ?? "", structuredClone(renewed)) };
    },
  };
}

/** The first subscription of a list answer (its records, or the one object there), to write others like it. */
function firstRecord(envelope: unknown, recordsAt: string): Record<string, unknown> | undefined {
  const found = envelope === undefined ? undefined : readPointer(envelope, recordsAt);
  const first = Array.isArray(found) ? found[0] : found;
  return isRecord(first) ? first : undefined;
}
