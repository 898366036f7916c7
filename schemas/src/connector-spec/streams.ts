import { Type, type Static } from "@sinclair/typebox";
import { closed, Count, PartName, Pointer, tagged, Template, TimeFormat } from "./define.ts";
import { RequestSpec } from "./http.ts";

/** One bound of the requested window: the template variable it fills and how it is written. */
export const DateBoundSpec = closed({
  format: TimeFormat,
  inclusive: Type.Optional(
    Type.Boolean({
      description: "end only: the provider includes the end (date ranges usually do), so we pass the last day/instant inside the window. @default false",
    }),
  ),
});

/**
 * How a pull passes its window [start, end). The rendered bounds are the template variables `{start}` and
 * `{end}` — put them in `request.query`, the path or the body where the provider wants them.
 */
export const DateRangeSpec = closed({
  start: DateBoundSpec,
  end: Type.Optional(DateBoundSpec),
  maxWindowDays: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: "Largest window one request may ask for; longer ranges are stepped through." })),
  order: Type.Optional(
    Type.Union([Type.Literal("oldest_first"), Type.Literal("newest_first")], { description: 'Order in which windows are requested. @default "oldest_first"' }),
  ),
  wholeDays: Type.Optional(
    Type.Boolean({
      description:
        "Widen every window to whole UTC days whatever the format (always so for `date`): a pushed change pulls its whole day, and steps never split one. @default false",
    }),
  ),
  localDays: Type.Optional(
    Type.Boolean({
      description:
        "Whole days and maxWindowDays steps are the member's local days, in the zone the connection learned (a stream's `timezone`): midnight to midnight, 23 or 25 hours when the clocks change; UTC days until one was learned. A collected record's window then says it (`window.timezone`). Not with `date` formats. @default false",
    }),
  ),
});
export type DateRangeSpec = Static<typeof DateRangeSpec>;

/** When to stop paging. Several rules: stop when any holds. */
export const StopRule = tagged("type", [
  closed({ type: Type.Literal("empty"), description: Type.Optional(Type.String()) }),
  closed({ type: Type.Literal("short_page"), description: Type.Optional(Type.String()) }),
  closed({
    type: Type.Literal("flag"),
    path: Pointer('e.g. "/show_next"'),
    equals: Type.Union([Type.Boolean(), Type.Number(), Type.String(), Type.Null()], { description: "Stop when the field equals this (or is absent)." }),
    description: Type.Optional(Type.String()),
  }),
  closed({ type: Type.Literal("total_pages"), path: Pointer('e.g. "/page_count"'), description: Type.Optional(Type.String()) }),
  closed({ type: Type.Literal("total_records"), path: Pointer('e.g. "/total"'), description: Type.Optional(Type.String()) }),
]);
export type StopRule = Static<typeof StopRule>;

const stop = Type.Optional(Type.Array(StopRule, { minItems: 1, description: "@default [{ type: empty }]" }));
const maxPages = Type.Optional(Count("Safety bound on pages per window. @default 1000"));
const pagingIn = Type.Optional(
  Type.Union([Type.Literal("query"), Type.Literal("body")], {
    description: 'Where the paging parameters go: the query, or the request body (Withings takes every parameter in a form body). @default "query"',
  }),
);

export const PagingSpec = tagged("type", [
  closed({
    type: Type.Literal("page"),
    param: Type.String({ description: "Query parameter of the page number." }),
    start: Type.Optional(Type.Integer({ minimum: 0, description: "First page number. @default 1" })),
    sizeParam: Type.Optional(Type.String()),
    size: Type.Optional(Count("Records per page.")),
    in: pagingIn,
    stop,
    maxPages,
  }),
  closed({
    type: Type.Literal("offset"),
    param: Type.String(),
    sizeParam: Type.Optional(Type.String()),
    size: Count("Records per page; the offset advances by the records received."),
    nextOffsetPath: Type.Optional(Pointer('Where the provider says the next offset (Withings "/body/offset").')),
    in: pagingIn,
    stop,
    maxPages,
  }),
  closed({
    type: Type.Literal("cursor"),
    param: Type.String({ description: 'Query parameter that carries the cursor, e.g. "next_token", "nextToken".' }),
    cursorPath: Pointer('Where the response holds the next cursor; paging stops when it is absent, null or "".'),
    sizeParam: Type.Optional(Type.String()),
    size: Type.Optional(Count("")),
    in: pagingIn,
    stop,
    maxPages,
  }),
  closed({
    type: Type.Literal("link"),
    nextPath: Type.Optional(Pointer('Where the response holds the next page URL (Fitbit "/pagination/next").')),
    linkHeader: Type.Optional(Type.Boolean({ description: 'Follow RFC 8288 `Link: <…>; rel="next"`.' })),
    stop,
    maxPages,
  }),
]);
export type PagingSpec = Static<typeof PagingSpec>;

/** A per-record request whose answer is attached to the record before it is mapped. */
export const DetailSpec = closed({
  name: PartName('The record gets the answer under this key (e.g. "performance_graph").'),
  request: Type.Optional(RequestSpec),
  url: Type.Optional(
    Pointer(
      "Instead of `request`: a field of the record holding an absolute URL to GET with the user's credentials, on an allowed origin (Wahoo's workout file).",
    ),
  ),
  decode: Type.Optional(
    Type.Literal("fit", {
      description: "The answer is a FIT activity file: it is decoded (@tributary/fit) into a Terra Activity, which is attached (and `select`ed from).",
    }),
  ),
  select: Type.Optional(Pointer('Part of the answer to attach. @default "" (all of it)')),
  optional: Type.Optional(
    Type.Boolean({ description: "A failed or ignored detail request leaves the key absent instead of failing the record. @default false" }),
  ),
  when: Type.Optional(Type.String({ description: "Expression on the record; the detail is fetched only when it is true." })),
  once: Type.Optional(
    Type.Boolean({
      description:
        "Fetched once per read and attached to every record: what belongs to the user, not the record (Fitbit's profile with the time zone its local times are in). Its request cannot use {record.…}. @default false",
    }),
  ),
});

/** Where a poll left off, kept per user and stream, so the next poll asks only for what is new. */
export const CheckpointSpec = closed({
  path: Pointer("A time field of each record; the newest value seen is the checkpoint."),
  format: TimeFormat,
  lookbackSeconds: Type.Optional(
    Type.Integer({ minimum: 0, description: "Start the next poll this long before the checkpoint, for late edits. @default 3600" }),
  ),
});

/**
 * The window applied to each record's own time, for lists that take no end (Fitbit's afterDate) or no
 * range at all (Wahoo's workouts, Polar's last 30 days): records that cannot be inside the window are
 * left out, and a list in a known order stops paging at the first record past the window.
 */
export const WithinSpec = closed({
  path: Pointer('A time field of each record (its start), e.g. "/startTime".'),
  format: TimeFormat,
  arrived: Type.Optional(
    closed(
      {
        path: Pointer('When each record reached the provider, e.g. Polar\'s "/upload_time".'),
        format: TimeFormat,
      },
      {
        description:
          "A read of what is new — a poll or a reconciliation — also keeps a record that reached the provider inside its window, whatever its own time: a session synced days after it was recorded, its push lost. Backfills, requests and pushed windows keep records by `path` alone.",
      },
    ),
  ),
  order: Type.Optional(
    Type.Union([Type.Literal("oldest_first"), Type.Literal("newest_first")], {
      description:
        "The order the provider lists records in: paging stops at the first record after the window (oldest first) or before it (newest first). Omit when the order is not known: every page is read.",
    }),
  ),
});

/**
 * Hand out all records of one window step as one record, for providers whose day records are many
 * measurements (Withings' measure groups → one Body a day, with `wholeDays` and `maxWindowDays: 1`).
 */
export const CollectSpec = closed({
  into: Type.String({
    pattern: "^[a-z][a-z0-9_]*$",
    description: "The collected record is `{ <into>: [records…], window: { start, end } }` (ISO-8601 UTC bounds of the step).",
  }),
});

/** Fetch one provider object by id (webhook events that carry only an id). */
export const ObjectRequestSpec = closed({
  request: RequestSpec,
  record: Type.Optional(Pointer('Where the object is in the answer. @default ""')),
});

/** A sub-resource of each transaction item, fetched from the item's URL with a suffix (Polar's `/heart-rate-zones`). */
export const TransactionPartSpec = closed({
  name: PartName('The item gets the answer under this key (e.g. "heart_rate_zones").'),
  suffix: Type.String({ pattern: "^/[^?#]*$", description: 'Appended to the item\'s URL, e.g. "/samples".' }),
  select: Type.Optional(Pointer('Part of the answer to attach. @default "" (all of it)')),
  links: Type.Optional(
    Type.Boolean({
      description:
        "The selected part is a list of URLs (Polar's samples, one URL per sample type): each is fetched with the user's credentials and the answers are attached as a list. @default false",
    }),
  ),
  optional: Type.Optional(Type.Boolean({ description: "A failed or empty answer leaves the key absent instead of quarantining the item. @default false" })),
});

/**
 * A transactional pull (Polar AccessLink): open a transaction of what is new since the last commit, list
 * the URLs of its items, fetch each, and commit once every item was handed to the pipeline for good. A
 * transaction that is not committed comes back with the same items later, so nothing is lost between fetch
 * and commit. A data type's transaction streams are what its polls read; its other streams are what every
 * other read (backfill, requests, reconciliation, pushed windows) reads.
 */
export const TransactionSpec = closed({
  /** Opens the transaction (Polar: POST …/exercise-transactions). An ignored answer (Polar's 204, through http.responses) means nothing is new. */
  create: RequestSpec,
  id: Pointer('Where the create answer holds the transaction id, offered to `list` and `commit` as {transaction_id}, e.g. "/transaction-id".'),
  /** Lists the transaction's items, with {transaction_id}. */
  list: RequestSpec,
  items: Pointer('Where the list answer holds the items\' absolute URLs, e.g. "/exercises".'),
  parts: Type.Optional(Type.Array(TransactionPartSpec, { description: "Sub-resources fetched for each item and attached to it." })),
  /**
   * Commits the transaction, with {transaction_id}, after its items were published. 200 and 204 are a
   * commit (even where http.responses ignores 204); another ignored answer (a 404: the transaction had
   * expired) leaves its items to the next transaction.
   */
  commit: RequestSpec,
  maxRounds: Type.Optional(
    Count(
      "Transactions one read opens at most, each after the last was committed (a transaction holds a bounded number of items: the rest waits for the next). @default 10",
    ),
  ),
});
export type TransactionSpec = Static<typeof TransactionSpec>;

const ZoneUnit = Type.Optional(
  Type.Union([Type.Literal("seconds"), Type.Literal("minutes")], { description: "What a number there counts (Polar: minutes). @default seconds" }),
);

const ZoneDate = Type.Optional(
  Pointer(
    "Beside an offset, where the local date or date-time it holds at is (in the same record or answer; Polar's exercise /start_time): the offset is kept for that date, which {timezone.at.<field>} reads. A zone written as a date-time with an offset dates itself.",
  ),
);

/** A request that says the member's zone before a stream needs it (`timezone.probe`). */
export const ZoneProbeSpec = closed({
  request: RequestSpec,
  records: Type.Optional(
    Pointer('The answer is a list of records at this pointer ("" for the body): the zone is read from each one (path, date), as with in: record.'),
  ),
  path: Pointer('Where the zone is in the probe\'s answer (or in each of its records), e.g. "/body/timezone".'),
  unit: ZoneUnit,
  date: ZoneDate,
});
export type ZoneProbeSpec = Static<typeof ZoneProbeSpec>;

/**
 * One pull stream: a request for a user's records of one data type in a window, its paging, where the
 * records are, per-record detail requests, each record's id and a checkpoint.
 */
export const StreamSpec = closed({
  name: PartName("Unique in the connector; names checkpoints, recordings and logs."),
  request: Type.Optional(RequestSpec),
  dateRange: Type.Optional(DateRangeSpec),
  paging: Type.Optional(PagingSpec),
  records: Type.Optional(Pointer('The array of records in a page; "" for a body that is the array. A non-array value there is one record. @default ""')),
  recordFields: Type.Optional(
    Type.Record(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }), Template(""), {
      description:
        "Fields set on each record from the window and the connection, for answers that do not say what they are about (Fitbit's summary of a day names no day): { date: \"{start}\" }; {answered_at} is when the provider answered the page (its Date header), for records with no time of their own; {timezone} is the member's time zone as the connection learned it (a stream's `timezone`), empty when none was. Not with `object`.",
    }),
  ),
  timezone: Type.Optional(
    closed(
      {
        in: Type.Optional(
          Type.Union([Type.Literal("answer"), Type.Literal("record")], {
            description:
              "answer: a pointer into each page's answer; record: into each record (the page's last that has one is the zone last said; every one with a date is kept for its date). In a transaction stream each item fetched is its answer and its record. With path; both absent when only the probe says the zone.",
          }),
        ),
        path: Type.Optional(Pointer('Where the zone is: an IANA name, an offset ("+01:00", or a number east of UTC), or a date-time with an offset.')),
        unit: ZoneUnit,
        date: ZoneDate,
        probe: Type.Optional(
          Type.Union([ZoneProbeSpec, Type.Array(ZoneProbeSpec, { minItems: 1 })], {
            description:
              "Requests that say the member's zone (one, or several made in turn). Made before this stream's first local days are cut when the connection knows no zone yet (a new connection's backfill), so they are the member's days from the start, and before a read whose recordFields ask {timezone.at.<field>} when a date of its window has no offset seen (what another stream of a backfill running at the same time may not have taught yet); what they say is kept like any learned zone. Only with dateRange.localDays or {timezone.at.<field>}.",
          }),
        ),
      },
      {
        description:
          "Where the provider says the member's time zone: learned for the connection (kept between pulls) and offered to every stream's recordFields as {timezone}, and per record date as {timezone.at.<field>}, for records that carry no offset of their own.",
      },
    ),
  ),
  following: Type.Optional(
    closed(
      {
        into: Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$", description: "The field set on each record." }),
        path: Type.String({
          pattern: "^/.+$",
          description: "Where the value is in the record after it.",
        }),
      },
      {
        description:
          "Sets a field on each record to a value of the record after it in the same page (none on a page's last record): a day's end from the next day's start, for a provider that gives UTC offsets but no time zone (Oura).",
      },
    ),
  ),
  filter: Type.Optional(Type.String({ description: 'Expression on each record; records for which it is false are skipped (e.g. status = "COMPLETE").' })),
  within: Type.Optional(WithinSpec),
  id: Pointer('The record\'s provider id, e.g. "/id".'),
  details: Type.Optional(Type.Array(DetailSpec)),
  object: Type.Optional(ObjectRequestSpec),
  checkpoint: Type.Optional(CheckpointSpec),
  mapping: Type.Optional(Type.String({ description: "Name of the mapping to apply. @default the data type" })),
  example: Type.Optional(Type.Unknown({ description: "A full example response of `request` (one page), mapped by `connector test`." })),
  collect: Type.Optional(CollectSpec),
  transaction: Type.Optional(TransactionSpec),
});
export type StreamSpec = Static<typeof StreamSpec>;
