import type { TransactionSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { isRecord } from "../contracts/is-record.ts";
import type { TributaryError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import type { ProviderAnswer } from "../provider-http/answer.ts";
import { badResponse } from "../provider-http/errors.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import { compilePointer } from "../spec/pointer.ts";
import type { CompiledStream } from "./compile-stream.ts";
import { mustStopTheRead } from "./details.ts";
import { expressionFailed, type ExpressionBindings } from "./expressions.ts";
import { learnZoneFrom, type ZoneSaid } from "./learned-zone.ts";
import type { OnStaleDates } from "./mapped-offsets.ts";
import type { CursorRepository } from "../state/cursors.ts";

export interface TransactionReadContext {
  session: ProviderSession;
  /** `$connection` in the stream's `filter`: the connection read for. */
  connection?: ExpressionBindings["connection"];
  /** An item that cannot be read (a required part failed, a URL off the provider's origins, not an object): quarantine it. Without it, such an item fails the read. */
  onRejected?: (record: ProviderRecord, error: TributaryError) => void | Promise<void>;
  /** The Terra user id: whose time zone the items' `timezone` teaches. Without it (or without a cursor store) nothing is learned. */
  userId?: string | undefined;
  /** As in StreamReadContext: dates mapped at offsets the connection now decides otherwise, read again by the runtime. */
  onStaleDates?: OnStaleDates | undefined;
}

export interface TransactionStats {
  /** Transactions opened (a create that answered one). */
  transactions: number;
  /** Items handed out. */
  items: number;
  /** Items the provider no longer has (an ignored answer, Polar's 404): skipped. */
  deleted: number;
  filtered: number;
  /** Items handed to onRejected. */
  rejected: number;
  /** Transactions committed; `expired` of them were gone by then (an ignored commit answer). */
  committed: number;
  expired: number;
}

/** One open transaction: its items, then — once every item was published for good — its commit. */
export interface TransactionRound {
  /** The transaction id as the provider wrote it. */
  readonly id: string;
  /** How many item URLs the transaction lists. */
  readonly listed: number;
  /** The items, fetched one after the other in the order listed, each with its parts. Iterate once. */
  records(): AsyncIterable<ProviderRecord>;
  /**
   * Tell the provider the transaction's items are ours. Only after each of them is stored and on its way:
   * a transaction left uncommitted (a crash, a wait, a failure) brings the same items again later.
   */
  commit(): Promise<void>;
}

export interface TransactionReading extends AsyncIterable<TransactionRound> {
  readonly stats: TransactionStats;
}

interface ReadTransactionsDeps {
  log: Logger;
  cursors?: CursorRepository | undefined;
  now: () => number;
}

/**
 * A stream's transactional pull (`transaction`): open a transaction, list its item URLs, hand out each item
 * with its parts, and after the consumer committed it open the next — until the provider says nothing is
 * new (an ignored create answer, Polar's 204) or maxRounds were read. A consumer that asks for the next
 * round without committing ends the read: the uncommitted items are the provider's to offer again.
 */
export function readTransactions(stream: CompiledStream, ctx: TransactionReadContext, deps: ReadTransactionsDeps): TransactionReading {
  const spec = stream.spec.transaction!;
  const where = `${stream.where}.transaction`;
  const idOf = compilePointer(spec.id);
  const urlsOf = compilePointer(spec.items);
  const stats: TransactionStats = { transactions: 0, items: 0, deleted: 0, filtered: 0, rejected: 0, committed: 0, expired: 0 };
  const { session } = ctx;

  const reject = async (record: ProviderRecord, error: TributaryError) => {
    if (!ctx.onRejected) throw error;
    stats.rejected += 1;
    await ctx.onRejected(record, error);
  };

  // The member's zone the items say (the stream's `timezone`, read in each item as a list stream reads its
  // records), kept once a transaction's items were read: a burst of sessions is one learn.
  const keeping =
    stream.zoneOf && deps.cursors && ctx.userId !== undefined ? { cursors: deps.cursors, userId: ctx.userId, onStale: ctx.onStaleDates } : undefined;

  async function* items(urls: readonly string[]): AsyncGenerator<ProviderRecord> {
    const said: ZoneSaid = { offsets: [] };
    for (const url of urls) {
      let record: ProviderRecord | undefined;
      try {
        record = await fetchItem(url);
      } catch (error) {
        if (mustStopTheRead(error, false)) throw error;
        await reject({ url }, error as TributaryError);
        continue;
      }
      if (!record) continue;
      // What it says of the zone holds whether or not the filter keeps it, as a page's records do.
      if (keeping) {
        const says = stream.zoneOf!(record, [record]);
        said.zone = says.zone ?? said.zone;
        said.offsets.push(...says.offsets);
      }
      try {
        await attachParts(record, url);
      } catch (error) {
        if (mustStopTheRead(error, false)) throw error;
        await reject(record, error as TributaryError);
        continue;
      }
      let keep = true;
      try {
        keep = !stream.filter || (await stream.filter(record, { connection: ctx.connection }));
      } catch (error) {
        await reject(record, expressionFailed(error, `${stream.where}.filter`));
        continue;
      }
      if (!keep) {
        stats.filtered += 1;
        continue;
      }
      stats.items += 1;
      yield record;
    }
    if (keeping) await learnZoneFrom(keeping, said, deps.now());
  }

  /** The item as the provider has it; undefined when it no longer does (deleted). */
  async function fetchItem(url: string): Promise<ProviderRecord | undefined> {
    const answer = await session.execute(session.prepareUrl(url));
    if (answer.ignored) {
      stats.deleted += 1;
      return undefined;
    }
    if (!isRecord(answer.body)) throw badResponse(`${where}: the item at ${url} is not a JSON object`, { details: { status: answer.status } });
    return { ...answer.body };
  }

  /** Each part under its name; an optional one that fails or is empty is left out, a required one throws. */
  async function attachParts(record: ProviderRecord, url: string): Promise<void> {
    for (const part of spec.parts ?? []) {
      let value: unknown;
      try {
        value = await fetchPart(part, url);
      } catch (error) {
        if (mustStopTheRead(error, part.optional === true) || !part.optional) throw error;
        continue;
      }
      if (value === undefined || value === null) {
        if (part.optional) continue;
        throw badResponse(`${where}: the required part "${part.name}" of ${url} is empty or missing`);
      }
      record[part.name] = value;
    }
  }

  async function fetchPart(part: NonNullable<TransactionSpec["parts"]>[number], url: string): Promise<unknown> {
    const answer = await session.execute(session.prepareUrl(`${url}${part.suffix}`));
    if (answer.ignored) return undefined;
    const selected = compilePointer(part.select ?? "")(answer.body);
    if (!part.links) return selected;
    if (selected === undefined || selected === null) return undefined;
    const answers: unknown[] = [];
    for (const link of linksIn(selected, `${where}.parts.${part.name}`)) {
      const linked = await session.execute(session.prepareUrl(link));
      if (!linked.ignored && linked.body !== undefined) answers.push(linked.body);
    }
    return answers;
  }

  async function* rounds(): AsyncGenerator<TransactionRound> {
    const maxRounds = spec.maxRounds ?? 10;
    for (let round = 0; round < maxRounds; round += 1) {
      const created = await session.send(spec.create);
      if (created.ignored) return;
      const id = transactionId(idOf(created.body), created, where);
      stats.transactions += 1;
      const listed = await session.send(spec.list, { transaction_id: id });
      // Gone between its create and its list (it expired): the next create offers its items again.
      if (listed.ignored) {
        deps.log.warn({ stream: stream.spec.name, transaction: id }, "the provider no longer knows the transaction it just opened; opening another");
        continue;
      }
      const urls = linksIn(urlsOf(listed.body) ?? [], `${where}.items`);
      let committed = false;
      yield {
        id,
        listed: urls.length,
        records: () => items(urls),
        commit: async () => {
          if (committed) return;
          const answer = await session.send(spec.commit, { transaction_id: id });
          committed = true;
          stats.committed += 1;
          if (commitExpired(answer)) {
            stats.expired += 1;
            deps.log.warn(
              { stream: stream.spec.name, transaction: id, items: urls.length },
              "the transaction had expired before its commit: the provider offers its items again in a later transaction (delivered again, same records)",
            );
          }
        },
      };
      if (!committed) return;
    }
    deps.log.info({ stream: stream.spec.name, rounds: maxRounds }, "transaction stream read its maxRounds transactions; the next poll reads on");
  }

  return {
    stats,
    [Symbol.asyncIterator]: () => rounds(),
  };
}

/**
 * A commit answered 200 or 204 took the items, whatever the spec's response rules make of the status (a
 * 204 is often ignored as a create's "nothing new"); any other ignored answer (Polar's 404) means the
 * transaction had expired.
 */
function commitExpired(answer: ProviderAnswer): boolean {
  return answer.ignored && answer.status !== 200 && answer.status !== 204;
}

function transactionId(value: unknown, answer: ProviderAnswer, where: string): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw badResponse(`${where}: the create answer holds no transaction id at transaction.id`, { details: { status: answer.status } });
}

/** The absolute URLs in a list; anything else in it is a bad answer (an item that cannot be fetched cannot be committed past). */
function linksIn(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
    throw badResponse(`${where}: expected a list of URLs`);
  }
  return value as string[];
}
