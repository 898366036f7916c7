import type { ConnectorSpec, RequestSpec, StreamSpec, WebhookEventAction } from "@tributary/schemas";
import type { SpecPath } from "../spec-problem.ts";
import type { TemplateContext } from "../template-variables.ts";
import { authMethodsAt } from "./auth.ts";

/** Walks of a spec the checks share: its streams, its provider requests, its webhook actions. */

export interface SpecStream {
  dataType: string;
  index: number;
  stream: StreamSpec;
  path: SpecPath;
}

export function specStreams(spec: ConnectorSpec): SpecStream[] {
  return Object.entries(spec.streams ?? {}).flatMap(([dataType, streams]) =>
    streams.map((stream, index) => ({ dataType, index, stream, path: ["streams", dataType, index] })),
  );
}

export interface SpecRequest {
  request: RequestSpec;
  path: SpecPath;
  context: TemplateContext;
  /** The stream a stream, detail or object request belongs to. */
  stream?: SpecStream;
}

/** Every provider request a spec declares, with the template context it is rendered in. */
export function specRequests(spec: ConnectorSpec): SpecRequest[] {
  const requests: SpecRequest[] = [];
  for (const entry of specStreams(spec)) {
    const { stream, path } = entry;
    if (stream.request) requests.push({ request: stream.request, path: [...path, "request"], context: "stream", stream: entry });
    stream.details?.forEach((detail, i) => {
      if (detail.request) requests.push({ request: detail.request, path: [...path, "details", i, "request"], context: "detail", stream: entry });
    });
    const probe = stream.timezone?.probe;
    if (Array.isArray(probe))
      probe.forEach((one, i) => requests.push({ request: one.request, path: [...path, "timezone", "probe", i, "request"], context: "stream", stream: entry }));
    else if (probe) requests.push({ request: probe.request, path: [...path, "timezone", "probe", "request"], context: "stream", stream: entry });
    if (stream.object) requests.push({ request: stream.object.request, path: [...path, "object", "request"], context: "object", stream: entry });
    const transaction = stream.transaction;
    if (transaction) {
      requests.push({ request: transaction.create, path: [...path, "transaction", "create"], context: "transactionOpen", stream: entry });
      for (const step of ["list", "commit"] as const)
        requests.push({ request: transaction[step], path: [...path, "transaction", step], context: "transaction", stream: entry });
    }
  }
  for (const { auth, path: at } of authMethodsAt(spec.auth)) {
    if (auth.type === "oauth2" && auth.revoke) requests.push({ request: auth.revoke, path: [...at, "revoke"], context: "revoke" });
    if (auth.type !== "none") {
      if (auth.providerUserId?.from === "request")
        requests.push({ request: auth.providerUserId.request, path: [...at, "providerUserId", "request"], context: "providerUserId" });
      if (auth.grantedScopes) requests.push({ request: auth.grantedScopes.request, path: [...at, "grantedScopes", "request"], context: "grantedScopes" });
      for (const phase of ["connect", "disconnect"] as const) {
        auth.lifecycle?.[phase]?.forEach((request, i) => requests.push({ request, path: [...at, "lifecycle", phase, i], context: "lifecycle" }));
      }
    }
  }
  for (const [dataType, asked] of Object.entries(spec.sync?.backfillRequests ?? {})) {
    if (Array.isArray(asked)) asked.forEach((request, i) => requests.push({ request, path: ["sync", "backfillRequests", dataType, i], context: "backfill" }));
    else requests.push({ request: asked, path: ["sync", "backfillRequests", dataType], context: "backfill" });
  }
  requests.push(...subscriptionRequests(spec));
  return requests;
}

/** The requests of the webhook's application subscription (`webhook.subscription`). */
export function subscriptionRequests(spec: ConnectorSpec): SpecRequest[] {
  const subscription = spec.webhook?.subscription;
  if (!subscription) return [];
  const at = ["webhook", "subscription"];
  return [
    { request: subscription.list.request, path: [...at, "list", "request"], context: "subscription" },
    ...subscription.create.map((request, i): SpecRequest => ({ request, path: [...at, "create", i], context: "subscription" })),
    { request: subscription.delete, path: [...at, "delete"], context: "subscriptionById" },
    ...(subscription.renew
      ? [{ request: subscription.renew.request, path: [...at, "renew", "request"], context: "subscriptionById" } satisfies SpecRequest]
      : []),
  ];
}

/** Every template string of a request: path, query and header values, and the strings inside its body. */
export function requestTemplates(request: RequestSpec, path: SpecPath): { text: string; path: SpecPath }[] {
  const found: { text: string; path: SpecPath }[] = [{ text: request.path, path: [...path, "path"] }];
  for (const part of ["query", "headers"] as const) {
    for (const [name, text] of Object.entries(request[part] ?? {})) found.push({ text, path: [...path, part, name] });
  }
  if (request.body !== undefined) collectStrings(request.body, [...path, "body"], found);
  return found;
}

function collectStrings(value: unknown, path: SpecPath, found: { text: string; path: SpecPath }[]): void {
  if (typeof value === "string") found.push({ text: value, path });
  else if (Array.isArray(value)) value.forEach((item, i) => collectStrings(item, [...path, i], found));
  else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) collectStrings(item, [...path, key], found);
}

export interface SpecAction {
  action: WebhookEventAction;
  eventType: string;
  path: SpecPath;
}

/** Every webhook action, each event's list flattened, in order. */
export function specActions(spec: ConnectorSpec): SpecAction[] {
  return Object.entries(spec.webhook?.events ?? {}).flatMap(([eventType, value]) =>
    Array.isArray(value)
      ? value.map((action, i) => ({ action, eventType, path: ["webhook", "events", eventType, i] }))
      : [{ action: value, eventType, path: ["webhook", "events", eventType] }],
  );
}
