import type { ConnectorSpec, RequestSpec, SubscriptionSpec, TimeFormat } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import type { PreparedBody } from "../provider-http/render-request.ts";
import { compilePointer } from "../spec/pointer.ts";
import { parseTime } from "../streams/time-format.ts";

/**
 * The application's subscription to a provider's pushes (`webhook.subscription`): one per deployment,
 * made with the OAuth client's credentials — Strava's push subscription, Polar's client webhook, Oura's
 * subscriptions per data type. What `tributary subscriptions` and the renewal job do with it.
 */
export interface SubscriptionTarget {
  spec: ConnectorSpec;
  /** A session without user credentials whose variables hold `webhook_url` and `verify_token`. */
  session: ProviderSession;
  /** Our callback, `<publicUrl>/hooks/<NAME>`: a listed subscription posting there is ours. */
  webhookUrl: string;
}

export interface ListedSubscription {
  id: string;
  callbackUrl: string | undefined;
  /** Epoch ms, for subscriptions that expire. */
  expiresAt: number | undefined;
  /** The values of `fields.key` (Oura: event type, data type). */
  key: string[];
  /** It posts to our callback. */
  ours: boolean;
  record: unknown;
}

export interface CreatedSubscription {
  id: string;
  key: string[];
  /** What the operator configures (Strava's options.subscription_id, Polar's pushSecret). */
  settings: Array<{ setting: string; value: string }>;
}

export interface CreateOutcome {
  created: CreatedSubscription[];
  /** Subscriptions of ours that were there already (their create request was not sent). */
  existing: ListedSubscription[];
}

export function subscriptionSpecOf(spec: ConnectorSpec): SubscriptionSpec {
  const subscription = spec.webhook?.subscription;
  if (!subscription) {
    throw new UserError(ErrorCodes.ARGUMENT_INVALID, `${spec.name} has no application subscription to its pushes`, {
      hint: "Only connectors whose spec declares webhook.subscription have one (Strava, Polar, Oura); the others subscribe per user when one connects, or in the provider's dashboard.",
    });
  }
  return subscription;
}

/** Every subscription the application has, ours (posting to our callback) or not. */
export async function listSubscriptions(target: SubscriptionTarget): Promise<ListedSubscription[]> {
  const subscription = subscriptionSpecOf(target.spec);
  const answer = await target.session.send(subscription.list.request);
  const found = answer.ignored ? undefined : compilePointer(subscription.list.records ?? "")(answer.body);
  const records = Array.isArray(found) ? found : found !== undefined && found !== null ? [found] : [];
  return records.map((record) => listed(subscription, record, target.webhookUrl));
}

/**
 * Makes the subscriptions the spec declares, each unless one of ours with its key is listed already. A
 * provider that allows the application one subscription and has one for another callback is refused
 * before asking it (it would refuse too, less clearly).
 */
export async function createSubscriptions(target: SubscriptionTarget): Promise<CreateOutcome> {
  const subscription = subscriptionSpecOf(target.spec);
  const before = await listSubscriptions(target);
  const name = target.spec.name;
  if (!subscription.fields.key) {
    const other = before.find((s) => !s.ours);
    if (other && !before.some((s) => s.ours)) {
      throw new UserError(
        ErrorCodes.SUBSCRIPTION_CONFLICT,
        `${name} allows the application one subscription, and it has #${other.id} posting to ${other.callbackUrl ?? "another URL"}, not ${target.webhookUrl}`,
        {
          hint: `Delete it first (tributary subscriptions delete ${name} --id ${other.id}), or set server.publicUrl to the URL it posts to.`,
        },
      );
    }
  }
  const outcome: CreateOutcome = { created: [], existing: [] };
  for (const request of subscription.create) {
    const key = await keyOf(subscription, target.session, request);
    const there = before.find((s) => s.ours && sameKey(s.key, key));
    if (there) {
      outcome.existing.push(there);
      continue;
    }
    const answer = await target.session.send(request);
    const made = compilePointer(subscription.created ?? "")(answer.body);
    const id = text(compilePointer(subscription.fields.id)(made));
    if (id === undefined) {
      throw new UserError(
        ErrorCodes.PROVIDER_BAD_RESPONSE,
        `${name} answered the subscription request without an id at ${JSON.stringify(subscription.fields.id)}`,
        {
          hint: `Check with tributary subscriptions show ${name} whether it was made; the connector's webhook.subscription.created and fields.id say where the answer holds it.`,
        },
      );
    }
    const settings = (subscription.settings ?? []).flatMap(({ setting, path }) => {
      const value = text(compilePointer(path)(made));
      return value === undefined ? [] : [{ setting, value }];
    });
    outcome.created.push({ id, key, settings });
  }
  return outcome;
}

/** Deletes one subscription by id, or every one of ours; the ids deleted. */
export async function deleteSubscriptions(target: SubscriptionTarget, options: { id?: string } = {}): Promise<string[]> {
  const subscription = subscriptionSpecOf(target.spec);
  const ids = options.id !== undefined ? [options.id] : (await listSubscriptions(target)).filter((s) => s.ours).map((s) => s.id);
  for (const id of ids) await target.session.send(subscription.delete, { subscription_id: id });
  return ids;
}

export interface RenewedSubscription {
  id: string;
  /** The expiry before and after the renewal (epoch ms). */
  was: number | undefined;
  expiresAt: number | undefined;
}

/** Renews each subscription of ours that expires within `renew.beforeSeconds` of `now` (all of ours with `all`). */
export async function renewSubscriptions(target: SubscriptionTarget, options: { now: number; all?: boolean }): Promise<RenewedSubscription[]> {
  const subscription = subscriptionSpecOf(target.spec);
  const renew = subscription.renew;
  if (!renew) {
    throw new UserError(ErrorCodes.ARGUMENT_INVALID, `${target.spec.name}'s subscriptions do not expire: there is nothing to renew`, {
      hint: "Renewal is for providers whose spec declares webhook.subscription.renew (Oura).",
    });
  }
  const due = (await listSubscriptions(target)).filter(
    (s) => s.ours && (options.all || s.expiresAt === undefined || s.expiresAt - options.now <= renew.beforeSeconds * 1000),
  );
  const renewed: RenewedSubscription[] = [];
  for (const found of due) {
    const answer = await target.session.send(renew.request, { subscription_id: found.id });
    const record = compilePointer(subscription.created ?? "")(answer.body);
    renewed.push({ id: found.id, was: found.expiresAt, expiresAt: expiryOf(subscription, record) });
  }
  return renewed;
}

export interface SubscriptionCheck {
  ok: boolean;
  subscriptions: ListedSubscription[];
  problems: string[];
}

/**
 * What `show` checks: each subscription the spec declares exists and posts to our callback, none of
 * ours has expired, and each setting the operator configured from it (Strava's subscription id) is
 * the listed one's.
 */
export async function checkSubscriptions(
  target: SubscriptionTarget,
  options: { now: number; configured: Readonly<Record<string, unknown>> },
): Promise<SubscriptionCheck> {
  const subscription = subscriptionSpecOf(target.spec);
  const subscriptions = await listSubscriptions(target);
  const ours = subscriptions.filter((s) => s.ours);
  const problems: string[] = [];
  for (const request of subscription.create) {
    const key = await keyOf(subscription, target.session, request);
    if (!ours.some((s) => sameKey(s.key, key)))
      problems.push(
        `no subscription${key.length > 0 ? ` for ${key.join(" ")}` : ""} posts to ${target.webhookUrl}: make it with tributary subscriptions create ${target.spec.name}`,
      );
  }
  for (const s of ours) {
    if (s.expiresAt !== undefined && s.expiresAt <= options.now)
      problems.push(`#${s.id} expired on ${new Date(s.expiresAt).toISOString()}: make it again with tributary subscriptions create ${target.spec.name}`);
  }
  for (const { setting, path } of subscription.settings ?? []) {
    if (!setting.startsWith("options.") || ours.length === 0) continue;
    const listedValues = ours.map((s) => text(compilePointer(path)(s.record))).filter((value) => value !== undefined);
    if (listedValues.length === 0) continue;
    const configured = text(options.configured[setting.slice("options.".length)]);
    if (configured === undefined || !listedValues.includes(configured)) {
      problems.push(
        `providers.${target.spec.name}.${setting} is ${configured === undefined ? "not set" : JSON.stringify(configured)}, and the subscription's is ${listedValues.map((v) => JSON.stringify(v)).join(" or ")}: pushes naming it are refused until it is set`,
      );
    }
  }
  return { ok: problems.length === 0, subscriptions, problems };
}

function listed(subscription: SubscriptionSpec, record: unknown, webhookUrl: string): ListedSubscription {
  const callbackUrl = text(compilePointer(subscription.fields.callbackUrl)(record));
  return {
    id: text(compilePointer(subscription.fields.id)(record)) ?? "",
    callbackUrl,
    expiresAt: expiryOf(subscription, record),
    key: (subscription.fields.key ?? []).map((pointer) => text(compilePointer(pointer)(record)) ?? ""),
    ours: callbackUrl !== undefined && sameUrl(callbackUrl, webhookUrl),
    record,
  };
}

function expiryOf(subscription: SubscriptionSpec, record: unknown): number | undefined {
  const expires = subscription.fields.expires;
  return expires ? parseTime(compilePointer(expires.path)(record), expires.format as TimeFormat) : undefined;
}

/** The key a create request's subscription will have: the values at `fields.key` in its rendered body. */
async function keyOf(subscription: SubscriptionSpec, session: ProviderSession, request: RequestSpec): Promise<string[]> {
  const pointers = subscription.fields.key ?? [];
  if (pointers.length === 0) return [];
  const body = bodyDocument((await session.prepare(request)).body);
  return pointers.map((pointer) => text(compilePointer(pointer)(body)) ?? "");
}

function bodyDocument(body: PreparedBody | undefined): unknown {
  if (!body) return undefined;
  return body.encoding === "form" ? Object.fromEntries(body.value) : body.value;
}

const sameKey = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((value, i) => value === b[i]);

/** One URL however its trailing slash is written. */
const sameUrl = (a: string, b: string): boolean => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}
