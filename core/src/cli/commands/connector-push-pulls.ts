import { randomUUID } from "node:crypto";
import type { DataType } from "@tributary/schemas";
import { readPush } from "../../authoring/push-notifications.ts";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import { fetchNotifiedRecords, pushExecutorOf } from "../../ingress/fetch-notified-records.ts";
import { silentLogger } from "../../log/logger.ts";
import { actionDataTypes } from "../../spec/action-data-types.ts";
import { createProviderClient } from "../../provider-http/provider-client.ts";
import type { ProviderTransport } from "../../provider-http/transport.ts";
import { notificationWindow } from "../../runtime/notification-window.ts";
import { memoryRecordParts, wholeRecords } from "../../runtime/record-parts.ts";
import { cliReadContext, payloadWriter, type ConnectorPullOptions, type ConnectorPullSummary } from "./connector-pull.ts";

export interface PushPullReplayOptions extends Pick<ConnectorPullOptions, "write" | "problem"> {
  connector: RuntimeConnector;
  transport: ProviderTransport;
  /** Only the notifications about this provider user. @default every user the examples name */
  providerUserId?: string | undefined;
  /** When the pushes arrived: a ping that names no window pulls the day before. */
  now: Date;
}

/**
 * The pulls the connector's webhook examples trigger, made the way the ingest worker makes them — the
 * object fetched by id or the URL fetched (pull_object, pull_url: Garmin's pings), or the notified
 * window read with the data type's streams (pull_window) — through a provider client over the given
 * transport, each user's records mapped, validated and written as Terra payloads. What a push-only
 * connector's recordings answer.
 */
export async function replayExamplePushes(options: PushPullReplayOptions): Promise<ConnectorPullSummary & { pulls: number }> {
  const { connector } = options;
  const definition = connector.definition;
  const webhook = definition.spec.webhook;
  const client = createProviderClient({ spec: definition.spec, transport: options.transport, log: silentLogger(), maxInProcessWaitMs: 60_000 });
  const summary = { delivered: 0, invalid: 0, payloads: 0, pulls: 0 };
  const userIds = new Map<string, string>();
  const parts = memoryRecordParts();
  for (const [i, example] of (webhook?.examples ?? []).entries()) {
    for (const notification of readPush(webhook!, example.body)) {
      const action = notification.action;
      const providerUserId = notification.providerUserId;
      if (!action || (action.action !== "pull_object" && action.action !== "pull_url" && action.action !== "pull_window") || providerUserId === undefined)
        continue;
      if (options.providerUserId !== undefined && providerUserId !== options.providerUserId) continue;
      let userId = userIds.get(providerUserId);
      if (userId === undefined) userIds.set(providerUserId, (userId = randomUUID()));
      summary.pulls += 1;
      const source = `webhook.examples[${i}]${notification.at}`;
      const emit = payloadWriter(connector, userId, summary, options);
      const session = client.session({ userId, variables: { user_id: userId, provider_user_id: providerUserId } });
      const connection = { userId, provider: connector.name, referenceId: null, providerUserId };
      if (action.action === "pull_window") {
        const range = notificationWindow(notification.document, action, options.now.getTime());
        // One notification may change several data types (Fitbit's activities: the logs and the day): each is pulled.
        for (const dataType of actionDataTypes(action) as DataType[]) {
          for await (const slice of connector.read(dataType, cliReadContext(connection, session, range, options.now))) {
            emit(dataType, `${source}, stream ${slice.stream}`, slice);
          }
        }
        continue;
      }
      const dataType = action.dataType as DataType;
      const fetched = await fetchNotifiedRecords(definition, action, notification.document, { session, executor: pushExecutorOf(definition), connection });
      const normalized = await connector.normalize(dataType, fetched.records, { connection, withSamples: true, log: silentLogger() }, fetched.mapping);
      normalized.rejected.push(...(fetched.rejected ?? []));
      // Parts of one record (a Garmin day) are merged as the runtime merges them, over the whole replay.
      emit(dataType, source, { ...normalized, valid: await wholeRecords(parts, userId, dataType, normalized) });
    }
  }
  return summary;
}
