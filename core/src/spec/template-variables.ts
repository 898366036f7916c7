/**
 * Which `{placeholder}`s each kind of template in a connector spec may use. The engines that render
 * templates (provider HTTP, auth, streams, webhooks) offer exactly these; the spec check refuses any
 * other, so a typo fails when the connector loads instead of on the first request.
 */
export const TEMPLATE_VARIABLE_GROUPS = {
  /** The connection a request is made for. */
  connection: ["user_id", "provider_user_id", "reference_id"],
  /** At connect time, before the provider's user id is known. */
  newConnection: ["user_id", "reference_id"],
  /** Operator settings: the OAuth client id and providers.<NAME>.options (declared in the spec's `options`). */
  operator: ["client_id", "options.*"],
  /** What the connection's credentials offer, for providers that want the token in the URL or body. */
  credentials: ["access_token"],
  /** The pull window, written in the stream's dateRange formats. */
  window: ["start", "end"],
  /**
   * When the provider answered the page at hand (its Date header, as an ISO date-time): the time of a record
   * that carries none of its own (a current value, such as WHOOP's body measurement).
   */
  answer: ["answered_at"],
  /**
   * The member's time zone as the connection learned it from the provider (a stream's `timezone`): an IANA
   * name or an offset ("+01:00"); empty when none was learned yet. `timezone.at.<field>`: the zone at the
   * local date-time in the record's field (a dotted path) — an IANA zone learned, else the offset seen on
   * that date or chosen from the dates around it.
   */
  learned: ["timezone", "timezone.at.*"],
  /** A field of the record a detail request is made for: `{record.ride.id}`. */
  record: ["record.*"],
  /** The transaction a transactional stream opened (`streams.*.transaction`): for its list and commit requests. */
  transaction: ["transaction_id"],
  /** The id of the object a webhook notification names. */
  object: ["object_id"],
  /** Our callback URL for this provider, for subscription requests. */
  webhookUrl: ["webhook_url"],
  /** providers.<NAME>.verifyToken, which the provider echoes in its subscription handshake. */
  verifyToken: ["verify_token"],
  /** The id of the application's push subscription being deleted or renewed. */
  subscription: ["subscription_id"],
  /** JSON pointers into the document at hand (a webhook notification): `{/object_type}`. */
  document: ["/…"],
} as const satisfies Record<string, readonly string[]>;

/** `{timezone.at.<field>}`: the member's zone at the local date-time in a record's field (recordFields only). */
export const DATED_ZONE_PREFIX = "timezone.at.";
export const isDatedZone = (name: string): boolean => name.startsWith(DATED_ZONE_PREFIX) && name.length > DATED_ZONE_PREFIX.length;

export type TemplateVariableGroup = keyof typeof TEMPLATE_VARIABLE_GROUPS;

/** Where in a spec a template is; each place offers some groups of variables. */
export const TEMPLATE_CONTEXTS = {
  baseUrl: { describe: "http.baseUrl", offers: ["operator"] },
  defaultHeader: { describe: "a default header", offers: ["connection", "operator", "credentials"] },
  authEndpoint: { describe: "an auth endpoint or parameter", offers: ["operator"] },
  stream: { describe: "a stream request", offers: ["connection", "operator", "credentials", "window"] },
  detail: { describe: "a detail request", offers: ["connection", "operator", "credentials", "window", "record"] },
  recordFields: { describe: "a stream's recordFields", offers: ["connection", "window", "answer", "learned"] },
  object: { describe: "an object request", offers: ["connection", "operator", "credentials", "object"] },
  transactionOpen: { describe: "a transaction's create request", offers: ["connection", "operator", "credentials"] },
  transaction: { describe: "a transaction's list or commit request", offers: ["connection", "operator", "credentials", "transaction"] },
  providerUserId: { describe: "the provider-user-id request", offers: ["newConnection", "operator", "credentials"] },
  // Made once the provider user id is known: it may name the account.
  grantedScopes: { describe: "the granted-scopes request", offers: ["connection", "operator", "credentials"] },
  lifecycle: { describe: "a lifecycle request", offers: ["connection", "operator", "credentials", "webhookUrl"] },
  revoke: { describe: "the revoke request", offers: ["connection", "operator", "credentials"] },
  backfill: { describe: "a backfill request", offers: ["connection", "operator", "credentials", "window"] },
  eventType: { describe: "webhook.eventType", offers: ["document"] },
  subscription: { describe: "a webhook.subscription request", offers: ["operator", "webhookUrl", "verifyToken"] },
  subscriptionById: { describe: "a webhook.subscription delete or renew request", offers: ["operator", "webhookUrl", "verifyToken", "subscription"] },
} as const satisfies Record<string, { describe: string; offers: readonly TemplateVariableGroup[] }>;

export type TemplateContext = keyof typeof TEMPLATE_CONTEXTS;

/** The placeholders a context offers, as written in a spec: `{user_id}`, `{options.<name>}`, `{/pointer}`. */
export function offeredPlaceholders(context: TemplateContext, without: readonly TemplateVariableGroup[] = []): string[] {
  return TEMPLATE_CONTEXTS[context].offers
    .filter((group) => !without.includes(group))
    .flatMap((group) => TEMPLATE_VARIABLE_GROUPS[group])
    .map((name) => `{${name.replace(/\*$/, "<name>").replace("/…", "/pointer")}}`);
}

/** Whether a placeholder (a variable name, or a pointer starting with "/") belongs to a group. */
export function inGroup(group: TemplateVariableGroup, name: string): boolean {
  if (group === "document") return name.startsWith("/");
  return TEMPLATE_VARIABLE_GROUPS[group].some((pattern) =>
    pattern.endsWith(".*") ? name.startsWith(pattern.slice(0, -1)) && name.length > pattern.length - 1 : pattern === name,
  );
}

/** Whether a context offers a placeholder (leaving out groups it lacks in a particular spot). */
export function isOffered(context: TemplateContext, name: string, without: readonly TemplateVariableGroup[] = []): boolean {
  return TEMPLATE_CONTEXTS[context].offers.some((group) => !without.includes(group) && inGroup(group, name));
}

/** The group a placeholder belongs to anywhere, for saying where it can be used. */
export function groupOf(name: string): TemplateVariableGroup | undefined {
  return (Object.keys(TEMPLATE_VARIABLE_GROUPS) as TemplateVariableGroup[]).find((group) => group !== "newConnection" && inGroup(group, name));
}
