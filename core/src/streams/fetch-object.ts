import type { ProviderRecord } from "../contracts/connector.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError, type TributaryError } from "../errors/tributary-error.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import { badResponse } from "../provider-http/errors.ts";
import type { CompiledStream } from "./compile-stream.ts";
import { attachDetails } from "./details.ts";
import { expressionFailed, type ExpressionBindings } from "./expressions.ts";
import { learnZoneFrom, type ZoneKeeping } from "./learned-zone.ts";
import { extractRecords } from "./records.ts";

export interface ObjectFetchContext {
  session: ProviderSession;
  /** As in StreamReadContext: a record whose required detail failed for good; without it, the fetch fails. */
  onRejected?: (record: ProviderRecord, error: TributaryError) => void | Promise<void>;
  /**
   * Where the connection keeps what the object says of the member's time zone (its stream's `timezone`),
   * as a read of the stream keeps what its pages say. Without it nothing is learned.
   */
  zone?: ZoneKeeping;
  /** `$connection` in the stream's `filter` and its details' `when`: the connection the object is fetched for. */
  connection?: ExpressionBindings["connection"];
}

/**
 * One provider object by id, for a push that carries only the id (Strava, Oura, WHOOP, Polar): the
 * stream's `object` request with `{object_id}`, its zone learned, its details attached and its filter
 * applied like a listed record's. Undefined when the provider has nothing (an ignored answer, e.g. a
 * deleted object) or the filter drops it.
 */
export async function fetchObject(
  stream: CompiledStream,
  id: string,
  ctx: ObjectFetchContext,
  now: () => number = Date.now,
): Promise<ProviderRecord | undefined> {
  const object = stream.spec.object;
  if (!object) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${stream.where} has no object request, so a push cannot fetch its objects by id`, {
      hint: "Add object.request (with {object_id}) to the stream, or use another webhook action.",
    });
  }
  const variables = { object_id: id };
  const answer = await ctx.session.send(object.request, variables);
  if (answer.ignored) return undefined;
  const { records, skipped } = extractRecords(answer, object.record ?? "", `${stream.where}.object`);
  const record = records[0];
  if (!record) {
    if (skipped === 0) return undefined;
    throw badResponse(`${stream.where}.object: the answer holds no object at ${JSON.stringify(object.record ?? "")}`);
  }
  // What it says of the zone holds whether or not the filter keeps it (a read learns from every page's records too).
  if (stream.zoneOf && ctx.zone) await learnZoneFrom(ctx.zone, stream.zoneOf(answer.body, [record]), now());
  const bound: ExpressionBindings = { connection: ctx.connection };
  let keep = true;
  try {
    keep = !stream.filter || (await stream.filter(record, bound));
  } catch (error) {
    return reject(record, expressionFailed(error, `${stream.where}.filter`), ctx);
  }
  if (!keep) return undefined;
  const outcome = await attachDetails(record, stream.details, ctx.session, variables, bound);
  return outcome.ok ? outcome.record : reject(record, outcome.error, ctx);
}

async function reject(record: ProviderRecord, error: TributaryError, ctx: ObjectFetchContext): Promise<undefined> {
  if (!ctx.onRejected) throw error;
  await ctx.onRejected(record, error);
  return undefined;
}

/**
 * The records behind a URL a push names (Garmin's callbackURL, Polar's url): fetched with the user's
 * credentials only when it is on the provider's origin or an allowed one; the records at `records`
 * ("" = the answer itself, an array or one object).
 */
export async function fetchUrl(url: string, ctx: Pick<ObjectFetchContext, "session">, options: { records?: string } = {}): Promise<ProviderRecord[]> {
  const answer = await ctx.session.execute(ctx.session.prepareUrl(url));
  return extractRecords(answer, options.records ?? "", "pull_url").records;
}

/**
 * The file behind a URL a push names (Garmin's activity files), fetched like `fetchUrl`: its bytes, or
 * undefined when the provider has nothing (an ignored answer).
 */
export async function fetchFile(url: string, ctx: Pick<ObjectFetchContext, "session">): Promise<Buffer | undefined> {
  const answer = await ctx.session.execute(ctx.session.prepareUrl(url));
  return answer.ignored ? undefined : answer.raw;
}
