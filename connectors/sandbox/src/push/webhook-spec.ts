import type { ConnectorSpec } from "@tributary/core/contracts";
import { DATA_TYPES } from "@tributary/schemas";

type WebhookSpec = NonNullable<ConnectorSpec["webhook"]>;
type EventAction = WebhookSpec["events"][string];

/** Header the sandbox provider signs its pushes in: `t=<unix seconds>,v1=<hex HMAC-SHA256>`, as Terra does. */
export const SANDBOX_SIGNATURE_HEADER = "x-sandbox-signature";

/**
 * The sandbox provider's push webhook. Every request is a batch, `{ "notifications": [ … ] }` (most real
 * providers batch: Garmin, Fitbit, Oura), and each notification is one of:
 *
 * - `<type>.ping`  `{ event, owner_id, window: { start, end } }` — data changed in that window, pull it
 *   (ISO-8601 strings or unix seconds);
 * - `<type>.push`  `{ event, owner_id, records: [ … ] }` — the provider's own records (the shapes its pull
 *   API returns), mapped with the same mappings as pulled ones;
 * - `test` — sent when a subscription is created; acknowledged, nothing else.
 *
 * for every Terra data type. `owner_id` is the provider's id of the user (the connection's
 * `providerUserId`).
 */
export const sandboxWebhook: WebhookSpec = {
  verify: { scheme: "terra", header: SANDBOX_SIGNATURE_HEADER, secret: "pushSecret", toleranceSeconds: 300 },
  batch: { type: "array", path: "/notifications" },
  userId: "/owner_id",
  eventType: "/event",
  events: {
    ...Object.fromEntries(
      DATA_TYPES.flatMap(
        (dataType): Array<[string, EventAction]> => [
          [`${dataType}.ping`, { action: "pull_window", dataType, start: "/window/start", end: "/window/end" }],
          [`${dataType}.push`, { action: "records", dataType, records: "/records" }],
        ],
      ),
    ),
    test: { action: "ignore", reason: "sent when a subscription is created" },
  },
};
