import type { ConnectorSpec, WebhookEventAction, WebhookSpec as SpecWebhook } from "@tributary/schemas";
import type { ConnectorDefinition as RuntimeConnector } from "../contracts/connector.ts";
import type { WebhookEventMapping, WebhookSpec as LegacyWebhook } from "../contracts/webhook.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";

/** What the ingress runs a provider's pushes from: the plugin definition's spec (its `webhook`) and hooks (`verify`). */
export type WebhookDefinition = Pick<ConnectorDefinition, "spec" | "hooks">;

const legacy = new WeakMap<RuntimeConnector, WebhookDefinition>();

/**
 * The plugin definition a runtime connector was compiled from (`definition`), or — for a connector
 * still written against the old runtime contract — its webhook restated in the spec's terms, so one
 * engine runs every push. Undefined when the connector takes no pushes.
 */
export function webhookDefinitionOf(connector: RuntimeConnector): WebhookDefinition | undefined {
  const definition = (connector as { definition?: WebhookDefinition }).definition;
  if (definition) return definition.spec.webhook ? definition : undefined;
  if (!connector.webhook) return undefined;
  let found = legacy.get(connector);
  if (!found) legacy.set(connector, (found = fromLegacy(connector, connector.webhook)));
  return found;
}

function fromLegacy(connector: RuntimeConnector, old: LegacyWebhook): WebhookDefinition {
  const verify = old.verify;
  const webhook: SpecWebhook = {
    verify:
      typeof verify === "function"
        ? { scheme: "hook" }
        : verify.scheme === "timestamped-hmac"
          ? { scheme: "terra", header: verify.header, ...(verify.toleranceSeconds !== undefined ? { toleranceSeconds: verify.toleranceSeconds } : {}) }
          : { scheme: "hmac", header: verify.header, algorithm: verify.algorithm ?? "sha256", encoding: verify.encoding ?? "hex", ...(verify.prefix !== undefined ? { prefix: verify.prefix } : {}) },
    userId: old.userIdPointer,
    ...(old.eventTypePointer !== undefined ? { eventType: old.eventTypePointer } : {}),
    ...(old.batchPointer !== undefined ? { batch: { type: "array", path: old.batchPointer } } : {}),
    ...(old.challenge
      ? { handshakes: [{ type: "challenge", param: old.challenge.queryParam, respond: old.challenge.responseField ? "json" : "text", ...(old.challenge.verifyTokenParam ? { verifyTokenParam: old.challenge.verifyTokenParam } : {}) }] }
      : {}),
    events: Object.fromEntries(Object.entries(old.events).map(([type, mapping]) => [type, action(mapping)])),
  };
  const spec = { name: connector.name, displayName: connector.displayName, dataTypes: Object.keys(connector.pull), auth: { type: "partner_push" }, webhook } as unknown as ConnectorSpec;
  return { spec, hooks: typeof verify === "function" ? { verify: verify as NonNullable<ConnectorDefinition["hooks"]["verify"]> } : {} };
}

function action(mapping: WebhookEventMapping): WebhookEventAction {
  if (mapping.kind === "ignore") return { action: "ignore" };
  if (mapping.kind === "push") return { action: "records", dataType: mapping.dataType, records: mapping.recordsPointer };
  return { action: "pull_window", dataType: mapping.dataType, ...(mapping.startPointer ? { start: mapping.startPointer } : {}), ...(mapping.endPointer ? { end: mapping.endPointer } : {}) };
}
