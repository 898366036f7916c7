import type { StreamSpec } from "@tributary/schemas";
import { readPointer } from "../spec/pointer.ts";
import type { MockClock } from "./clock.ts";
import type { ProviderErrorKind } from "./error-shapes.ts";
import { userKey, type MockUser } from "./parties.ts";
import { setPointer } from "./set-pointer.ts";

/** How the mock serves a transaction stream (`streams.*.transaction`) from the stream's fixture records. */
export interface TransactionFixture {
  /** The path segment of an item's URL below the transaction's: Polar's `…/exercise-transactions/{id}/exercises/{item}`. */
  collection: string;
  /** Items one transaction holds at most; the rest wait for the next. @default 50 */
  size?: number;
  /** Seconds an uncommitted transaction stays open: a create within them answers it again, after them its items go into a new one. @default 600 */
  expiresSeconds?: number;
  /** Where the create answer also holds the transaction's URL (Polar's `/resource-uri`); the id is at the spec's transaction.id. */
  uri?: string;
  /** Answers of the transaction's parts, by part name: the value `select` points at (for a `links` part, the list of linked answers). None, or undefined, is a 404. */
  parts?: Record<string, (record: unknown, user: MockUser) => unknown>;
}

/** A transaction the mock handed out, and what became of it. */
export interface MockTransaction {
  stream: string;
  user: string;
  id: string;
  /** Ids of the items it holds, in order. */
  items: string[];
  openedAt: number;
  state: "open" | "committed" | "expired";
}

type Answer = { status: number; body?: unknown } | { kind: ProviderErrorKind; message: string };

interface TransactionServerOptions {
  clock: MockClock;
  fixtureOf: (stream: StreamSpec) => TransactionFixture | undefined;
  /** The user's records of the stream, whatever their time: what may be new. */
  recordsOf: (stream: StreamSpec, user: MockUser) => readonly unknown[];
  /** Whether the user may be served (registered with the client, where the spec registers users). */
  registered: (user: MockUser) => boolean;
}

/** What an item URL (or one of its parts) the mock handed out stands for. */
interface ItemUrl {
  transaction: MockTransaction;
  stream: StreamSpec;
  record: unknown;
  part?: NonNullable<NonNullable<StreamSpec["transaction"]>["parts"]>[number];
  link?: number;
}

/**
 * A provider's transactional pull, as Polar AccessLink describes it: a create answers a transaction of the
 * items not committed yet (201) or that there is nothing (204); its list names each item's URL; a commit
 * (200) marks them taken. A transaction not committed within its lifetime is dropped and its items come in
 * the next one; an unknown or expired transaction is a 404, and so are its items' URLs.
 */
export function createTransactionServer(options: TransactionServerOptions) {
  const { clock } = options;
  const log: MockTransaction[] = [];
  const committed = new Map<string, Set<string>>();
  const urls = new Map<string, ItemUrl>();
  let nextId = 1000;
  const keyOf = (stream: StreamSpec, user: MockUser) => `${stream.name}|${userKey(user)}`;
  const lifetimeMs = (stream: StreamSpec) => (options.fixtureOf(stream)?.expiresSeconds ?? 600) * 1000;
  const idOf = (stream: StreamSpec, record: unknown) => String(readPointer(record, stream.id));

  /** The user's open transaction of the stream, after dropping one past its lifetime. */
  const open = (stream: StreamSpec, user: MockUser): MockTransaction | undefined => {
    const found = log.find((t) => t.state === "open" && t.stream === stream.name && t.user === userKey(user));
    if (found && clock.now() >= found.openedAt + lifetimeMs(stream)) found.state = "expired";
    return found?.state === "open" ? found : undefined;
  };
  const known = (stream: StreamSpec, user: MockUser, id: string): MockTransaction | { kind: "not_found"; message: string } => {
    const current = open(stream, user);
    return current?.id === id ? current : { kind: "not_found", message: `no open ${stream.name} transaction ${id} for this user` };
  };
  const createdBody = (stream: StreamSpec, transaction: MockTransaction, createUrl: string) => {
    const body = setPointer({}, stream.transaction!.id, Number(transaction.id));
    const uri = options.fixtureOf(stream)?.uri;
    return uri === undefined ? body : setPointer(body, uri, `${createUrl}/${transaction.id}`);
  };

  return {
    /** Every transaction handed out, in order. */
    transactions: log as readonly MockTransaction[],

    create(stream: StreamSpec, user: MockUser, createUrl: string): Answer {
      if (!options.registered(user)) return { kind: "forbidden", message: "the user is not registered with this client" };
      const current = open(stream, user);
      // One transaction at a time: asked again while it is open, the provider answers the same one.
      if (current) return { status: 201, body: createdBody(stream, current, createUrl) };
      const taken = committed.get(keyOf(stream, user)) ?? new Set<string>();
      const fresh = options
        .recordsOf(stream, user)
        .map((record) => idOf(stream, record))
        .filter((id) => !taken.has(id));
      if (fresh.length === 0) return { status: 204 };
      const transaction: MockTransaction = {
        stream: stream.name,
        user: userKey(user),
        id: String(nextId++),
        items: fresh.slice(0, options.fixtureOf(stream)?.size ?? 50),
        openedAt: clock.now(),
        state: "open",
      };
      log.push(transaction);
      return { status: 201, body: createdBody(stream, transaction, createUrl) };
    },

    list(stream: StreamSpec, user: MockUser, id: string, listUrl: string): Answer {
      const transaction = known(stream, user, id);
      if ("kind" in transaction) return transaction;
      const fixture = options.fixtureOf(stream);
      const records = options.recordsOf(stream, user);
      const itemUrls = transaction.items.map((itemId) => {
        const url = `${listUrl}/${fixture?.collection ?? "items"}/${encodeURIComponent(itemId)}`;
        const record = records.find((r) => idOf(stream, r) === itemId);
        urls.set(new URL(url).pathname, { transaction, stream, record });
        for (const part of stream.transaction!.parts ?? []) urls.set(new URL(`${url}${part.suffix}`).pathname, { transaction, stream, record, part });
        return url;
      });
      return { status: 200, body: setPointer({}, stream.transaction!.items, itemUrls) };
    },

    commit(stream: StreamSpec, user: MockUser, id: string): Answer {
      const transaction = known(stream, user, id);
      if ("kind" in transaction) return transaction;
      transaction.state = "committed";
      const key = keyOf(stream, user);
      const taken = committed.get(key) ?? new Set<string>();
      for (const item of transaction.items) taken.add(item);
      committed.set(key, taken);
      return { status: 200 };
    },

    /** A GET of an item URL (or a part's) the mock handed out; undefined when the path is none of them. */
    item(pathname: string, user: MockUser | undefined, requestUrl: string): Answer | undefined {
      const found = urls.get(pathname) ?? linkOf(pathname);
      if (!found) return undefined;
      const { transaction, stream, record, part } = found;
      if (!user || transaction.user !== userKey(user) || open(stream, user)?.id !== transaction.id || record === undefined)
        return { kind: "not_found", message: `nothing at ${pathname} for this user (the transaction is not open)` };
      if (!part) return { status: 200, body: structuredClone(record) };
      const value = options.fixtureOf(stream)?.parts?.[part.name]?.(record, user);
      if (value === undefined) return { kind: "not_found", message: `no ${part.name} for this item` };
      if (!part.links) return { status: 200, body: setPointer({}, part.select ?? "", structuredClone(value)) };
      const answers = Array.isArray(value) ? value : [];
      if (found.link !== undefined) {
        const linked = answers[found.link];
        return linked === undefined ? { kind: "not_found", message: `no ${part.name} ${found.link}` } : { status: 200, body: structuredClone(linked) };
      }
      const links = answers.map((_, index) => `${requestUrl}/${index}`);
      answers.forEach((_, index) => urls.set(`${pathname}/${index}`, { ...found, link: index }));
      return { status: 200, body: setPointer({}, part.select ?? "", links) };
    },
  };

  function linkOf(pathname: string): ItemUrl | undefined {
    const cut = pathname.lastIndexOf("/");
    const parent = urls.get(pathname.slice(0, cut));
    const index = Number(pathname.slice(cut + 1));
    return parent?.part?.links && Number.isInteger(index) ? { ...parent, link: index } : undefined;
  }
}

export type TransactionServer = ReturnType<typeof createTransactionServer>;
