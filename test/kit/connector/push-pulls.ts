import { createRecordMapper, readPush } from "@tributary/core/authoring";
import { fetchNotifiedRecords } from "@tributary/core/ingress";
import type { Credentials, ProviderClient } from "@tributary/core/provider-http";
import { notificationWindow } from "@tributary/core/runtime";
import { actionDataTypes, type ConnectorDefinition } from "@tributary/core/spec";
import type { WebhookEventAction } from "@tributary/schemas";
import { pullAndMap, pullResult, streamExecutor, type PulledRecord, type PullResult } from "./pull.ts";

export type PullAction = Extract<WebhookEventAction, { action: "pull_object" | "pull_url" | "pull_window" }>;

/** A notification of a webhook example that names data without carrying it: the pull it triggers. */
export interface PushPull {
  /** Where it is: "webhook.examples[0]", "webhook.examples[1]/sleeps/0". */
  source: string;
  description?: string;
  /** The provider's id of the user it is about. */
  providerUserId: string;
  action: PullAction;
  notification: unknown;
}

const isPull = (action: WebhookEventAction | undefined): action is PullAction =>
  action?.action === "pull_object" || action?.action === "pull_url" || action?.action === "pull_window";

/** Every notification of the spec's webhook examples whose event pulls (an object, a URL, a window), with its user. */
export function examplePushPulls(definition: ConnectorDefinition): PushPull[] {
  const webhook = definition.spec.webhook;
  if (!webhook) return [];
  return (webhook.examples ?? []).flatMap((example, i) =>
    readPush(webhook, example.body).flatMap((notification) =>
      isPull(notification.action) && notification.providerUserId !== undefined
        ? [
            {
              source: `webhook.examples[${i}]${notification.at}`,
              ...(example.description !== undefined ? { description: example.description } : {}),
              providerUserId: notification.providerUserId,
              action: notification.action,
              notification: notification.document,
            },
          ]
        : [],
    ),
  );
}

export interface PushPullOptions {
  credentials?: Credentials;
  /** The Terra user id. @default "test-user" */
  userId?: string;
  /** When the push arrived, and the clock windows are clamped against. @default Date.now */
  now?: () => number;
}

/**
 * What the ingest worker does for a notification that names data, through a provider client: fetch the
 * object by id or the URL (pull_object, pull_url) and map it as the worker does, or pull the notified
 * window with the data type's streams (pull_window, as the live pull job it enqueues does).
 */
export async function runPushPull(definition: ConnectorDefinition, client: ProviderClient, pull: PushPull, options: PushPullOptions = {}): Promise<PullResult> {
  const userId = options.userId ?? "test-user";
  const { action } = pull;
  if (action.action === "pull_window") {
    const window = notificationWindow(pull.notification, action, (options.now ?? Date.now)());
    return pullAndMap(definition, client, {
      window,
      providerUserId: pull.providerUserId,
      userId,
      streams: actionDataTypes(action).flatMap((dataType) =>
        (definition.spec.streams?.[dataType as keyof typeof definition.spec.streams] ?? []).map((stream) => stream.name),
      ),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }
  const session = client.session({ userId, credentials: options.credentials, variables: { user_id: userId, provider_user_id: pull.providerUserId } });
  const fetched = await fetchNotifiedRecords(definition, action, pull.notification, {
    session,
    executor: streamExecutor(definition, options.now),
    connection: { userId, provider: definition.spec.name, providerUserId: pull.providerUserId },
  });
  const mapper = createRecordMapper(definition, { userId, providerUserId: pull.providerUserId });
  const records: PulledRecord[] = [];
  for (const provider of fetched.records) {
    records.push({ stream: pull.source, dataType: action.dataType, provider, mapped: await mapper.map(fetched.mapping, action.dataType, provider) });
  }
  return pullResult(records);
}
