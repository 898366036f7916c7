import type { StreamSpec, WebhookEventAction } from "@tributary/schemas";
import { createHash } from "node:crypto";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, UserError } from "../errors/tributary-error.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { HookConnection, ProviderRecord } from "../spec/hooks.ts";
import { compilePointer } from "../spec/pointer.ts";
import { compileStreamCondition, connectionBinding } from "../mapping/index.ts";
import type { Rejected } from "../runtime/normalize.ts";
import { decodeFitDetail } from "../streams/fit-decode.ts";
import type { ObjectFetchContext } from "../streams/fetch-object.ts";
import { createStreamExecutor, type StreamExecutor } from "../streams/stream-executor.ts";

export type FetchAction = Extract<WebhookEventAction, { action: "pull_object" | "pull_url" }>;

export interface NotifiedRecords {
  /** The mapping (or map hook) the records go through: the stream's, or the data type's. */
  mapping: string;
  /** The stream whose object request fetched them (pull_object): its transform hook runs before mapping. */
  stream?: string;
  records: ProviderRecord[];
  /** Files named by the push that did not decode: quarantined with the reason, never delivered. */
  rejected?: Rejected[];
}

export interface FetchNotifiedContext {
  /** The connection's provider session: credentials, rate budget, allowed origins, the response → action table. */
  session: ProviderSession;
  executor: Pick<StreamExecutor, "fetchObject" | "fetchUrl" | "fetchFile">;
  /** The connection the push is for: `$connection` in the fetching stream's `filter` and its details' `when`. */
  connection: HookConnection;
  /** Where a fetched object's zone is kept (see ObjectFetchContext). */
  zone?: ObjectFetchContext["zone"];
}

/**
 * The records a push names without carrying them. `pull_object`: the object whose id is at `id`, by
 * its stream's `object` request (the action's `stream`, else the data type's first stream that has
 * one), details attached and filtered like a listed record (Strava, Oura, WHOOP). `pull_url`: the
 * records behind the URL at `url`, fetched with the user's credentials only on an allowed origin
 * (Garmin's callbackURL, Polar's url). A notification without a readable id or URL can never be
 * fetched: a user-class error.
 */
export async function fetchNotifiedRecords(
  definition: Pick<ConnectorDefinition, "spec">,
  action: FetchAction,
  notification: unknown,
  ctx: FetchNotifiedContext,
): Promise<NotifiedRecords> {
  const spec = definition.spec;
  if (action.action === "pull_url") {
    const url = compilePointer(action.url)(notification);
    if (typeof url !== "string" || url === "") throw unreadable(spec.name, `no URL at ${action.url}`);
    const mapping = action.mapping ?? action.dataType;
    if (action.decode) return { mapping, ...(await fetchDecodedFile(url, action.decode, notification as ProviderRecord, ctx)) };
    const records = await ctx.executor.fetchUrl(url, { session: ctx.session }, action.records !== undefined ? { records: action.records } : {});
    return { mapping, records };
  }
  const id = compilePointer(action.id)(notification);
  if ((typeof id !== "string" || id === "") && !(typeof id === "number" && Number.isFinite(id))) throw unreadable(spec.name, `no object id at ${action.id}`);
  const stream = objectStream(spec.streams?.[action.dataType] ?? [], action.stream);
  if (!stream) {
    throw new UserError(
      ErrorCodes.SPEC_INVALID,
      `${spec.name} has no ${action.dataType} stream that fetches one object${action.stream ? ` named "${action.stream}"` : ""}`,
      {
        hint: "Give the stream an `object` request with {object_id}, or carry the records in the push.",
        plugin: spec.name,
      },
    );
  }
  const record = await ctx.executor.fetchObject(stream, String(id), {
    session: ctx.session,
    connection: connectionBinding(ctx.connection),
    ...(ctx.zone ? { zone: ctx.zone } : {}),
  });
  return { mapping: stream.mapping ?? action.dataType, stream: stream.name, records: record ? [record] : [] };
}

/**
 * A file a push names (`pull_url` with `decode`): the record mapped is the notification — what it says
 * about the file (Garmin: the activity's id, name and type) — with the decoded file attached under
 * `into`. A file that does not decode (truncated, corrupt, not an activity) is rejected with the reason and
 * the file itself, for quarantine: nothing of it is delivered.
 */
async function fetchDecodedFile(
  url: string,
  decode: NonNullable<Extract<FetchAction, { action: "pull_url" }>["decode"]>,
  notification: ProviderRecord,
  ctx: FetchNotifiedContext,
): Promise<Pick<NotifiedRecords, "records" | "rejected">> {
  const bytes = await ctx.executor.fetchFile(url, { session: ctx.session });
  if (bytes === undefined) return { records: [] };
  try {
    return {
      records: [{ ...notification, [decode.into]: await decodeFitDetail(bytes, `the ${decode.format.toUpperCase()} file at ${urlWithoutQuery(url)}`) }],
    };
  } catch (error) {
    if (!isTributaryError(error) || error.code !== ErrorCodes.PROVIDER_BAD_RESPONSE) throw error;
    const file = { size_bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), [`${decode.format}_base64`]: bytes.toString("base64") };
    return {
      records: [],
      rejected: [
        { record: null, raw: { ...notification, [decode.into]: file }, issues: [{ path: `/${decode.into}`, rule: "decode", message: error.message }] },
      ],
    };
  }
}

/** A URL as logged: its query may hold a token (Garmin's callbackURL). */
function urlWithoutQuery(url: string): string {
  const at = url.indexOf("?");
  return at < 0 ? url : url.slice(0, at);
}

function objectStream(streams: readonly StreamSpec[], name: string | undefined): StreamSpec | undefined {
  return name !== undefined ? streams.find((s) => s.name === name && s.object) : streams.find((s) => s.object);
}

function unreadable(provider: string, problem: string): UserError {
  return new UserError(ErrorCodes.PLUGIN_INVALID, `a ${provider} push names nothing to fetch: ${problem}`, {
    hint: "The provider sent a notification the connector's webhook spec does not describe; check webhook.events.",
    plugin: provider,
  });
}

const executors = new WeakMap<Pick<ConnectorDefinition, "spec">, StreamExecutor>();

/** The stream executor that fetches the objects a connector's pushes name; filters run in the mapping's expression sandbox. */
export function pushExecutorOf(definition: Pick<ConnectorDefinition, "spec">): StreamExecutor {
  let found = executors.get(definition);
  if (!found) {
    found = createStreamExecutor({
      spec: definition.spec,
      compileExpression: compileStreamCondition,
    });
    executors.set(definition, found);
  }
  return found;
}
