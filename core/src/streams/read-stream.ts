import type { ProviderRecord } from "../contracts/connector.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError, type TributaryError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import type { PreparedRequest } from "../provider-http/render-request.ts";
import type { RequestStats } from "../provider-http/request-stats.ts";
import type { TemplateVariables } from "../provider-http/template-scope.ts";
import type { CursorRepository } from "../state/cursors.ts";
import { advanceCheckpoint, readCheckpoint } from "./checkpoints.ts";
import type { CompiledStream } from "./compile-stream.ts";
import { attachDetails, onceAnswers, type DetailOutcome } from "./details.ts";
import { expressionFailed, type ExpressionBindings } from "./expressions.ts";
import type { PageAfter, PageState } from "./paging.ts";
import { answerVariables } from "./answer-variables.ts";
import { keepLearnedZone, keepMappedDays, readLearnedZone, type KnownZone, type ZoneKeeping, type ZoneSaid } from "./learned-zone.ts";
import { mappedDaysOf, type OnStaleDates } from "./mapped-offsets.ts";
import { parseOffsetText, timeZone, type TimeZone } from "../mapping/time.ts";
import { extractRecords } from "./records.ts";
import { renderEnd, renderStart } from "./time-format.ts";
import { clampWindow, stepWindows, type TimeWindow } from "./windows.ts";

export interface StreamReadContext {
  session: ProviderSession;
  /** The Terra user id: whose checkpoint. Without it (or without a cursor store) no checkpoint is read or kept. */
  userId?: string | undefined;
  /** `$connection` in the stream's `filter` and its details' `when`: the connection read for. */
  connection?: ExpressionBindings["connection"];
  /**
   * "use": start at the stored checkpoint minus the stream's lookback when that is later than the
   * window's start (polls). "ignore" (default): read the whole window (requests, backfills). Either way
   * a completed read moves the checkpoint forward to the newest record it saw.
   */
  checkpoint?: "use" | "ignore";
  /** A read of what is new (a poll, a reconciliation): `within.arrived` keeps records that reached the provider in the window too. @default false */
  recent?: boolean;
  /** Save the checkpoint when the read completes. false: call `commit()` once the records are safely published. @default true */
  autoCommit?: boolean;
  /** Continue an interrupted read of the same window from its last position. */
  resume?: StreamPosition | undefined;
  /**
   * A record whose required detail failed for good (404, refused, empty): quarantine it. Without this
   * handler such a record fails the read.
   */
  onRejected?: (record: ProviderRecord, error: TributaryError) => void | Promise<void>;
  /** When the read is made, for clamping the window to what the provider serves (a replay of recordings made then). @default the executor's clock */
  now?: (() => number) | undefined;
  /** Dates mapped at offsets the connection now decides otherwise (it learned more): the runtime reads them again. */
  onStaleDates?: OnStaleDates | undefined;
}

/**
 * Where a read is, after the last record it handed out: plain JSON. A pull job keeps it (with the
 * records handed out so far published) to continue after a wait or a crash instead of starting over.
 * It holds what was received and not yet handed out — the rest of a fetched page, a collecting step's
 * records, `once` answers — so a continued read never asks the provider for any of it again.
 */
export interface StreamPosition {
  v: 1;
  stream: string;
  /** The window the read was asked for. */
  requested: { start: string; end: string };
  /** The window after clamping and the checkpoint; null when nothing was left to read. */
  window: { start: string; end: string } | null;
  /** The maxWindowDays step being read. */
  step?: { start: string; end: string };
  /** The zone whose local days the steps are (dateRange.localDays), as the read began. */
  zone?: string;
  page?: PageState;
  /** Records of that page already handed out (or skipped). */
  skip?: number;
  /** The page at `page` was received: its records from `skip` on, as received, and what follows it. */
  fetched?: FetchedPage;
  /** A collecting stream's records of the step so far (details attached). */
  collected?: ProviderRecord[];
  /** Answers of `once` details received so far, by detail name. */
  once?: Record<string, unknown>;
  /**
   * Ids of the step's records handed out (or dropped as duplicates) so far, and of the step before it: a
   * continued read drops records with these ids as duplicates, as the uninterrupted read would have.
   */
  seen?: string[];
  seenBefore?: string[];
  newest?: string;
  done?: boolean;
}

/** What a position holds at most before the received data in it is left to be asked for again (see `position()`). */
export const MAX_POSITION_BYTES = 256 * 1024;

/** A received page's records not yet handed out, and where paging goes after it. */
export interface FetchedPage {
  records: ProviderRecord[];
  after: PageAfter;
  /** Indexes of `records` whose details had arrived when the read stopped: they are handed out as they are. */
  ready?: number[];
}

export interface StreamStats {
  windows: number;
  pages: number;
  /** Records handed out. */
  records: number;
  filtered: number;
  duplicates: number;
  /** Items in a records array that were not objects. */
  malformed: number;
  missingIds: number;
  detailRequests: number;
  /** Optional details that failed or were empty (their key is absent). */
  detailFailures: number;
  /** Records whose required detail failed, handed to onRejected. */
  rejected: number;
  /** Windows whose paging was cut short by maxPages or a repeating page. */
  truncated: number;
  /** Records a collecting stream handed out (one per window step with records); `records` counts what they hold. */
  collected: number;
  http: RequestStats;
}

export interface StreamReading extends AsyncIterable<ProviderRecord> {
  readonly stats: StreamStats;
  position(): StreamPosition | undefined;
  /** Move the checkpoint to the newest record time seen (automatic on completion unless autoCommit is false). */
  commit(): Promise<void>;
}

export interface ReadStreamDeps {
  cursors?: CursorRepository | undefined;
  maxHistoryDays?: number | undefined;
  detailConcurrency: number;
  futureMarginMs: number;
  now: () => number;
  log: Logger;
  /** @default MAX_POSITION_BYTES */
  maxPositionBytes?: number | undefined;
}

/**
 * Read one stream for one user and window: clamp the window, step through it maxWindowDays at a time
 * (oldest or newest first), render `{start}`/`{end}` in the stream's format, page through each step,
 * and hand out records one at a time — filtered, de-duplicated by id, with their details fetched a few
 * records ahead. Memory holds one page and the details in flight, whatever the range.
 */
export function readStream(stream: CompiledStream, requested: { start: Date; end: Date }, ctx: StreamReadContext, deps: ReadStreamDeps): StreamReading {
  const { spec, where, pager } = stream;
  const { session } = ctx;
  const bound: ExpressionBindings = { connection: ctx.connection };
  const stats: StreamStats = {
    windows: 0,
    pages: 0,
    records: 0,
    filtered: 0,
    duplicates: 0,
    malformed: 0,
    missingIds: 0,
    detailRequests: 0,
    detailFailures: 0,
    rejected: 0,
    truncated: 0,
    collected: 0,
    http: session.stats,
  };
  const requestedIso = { start: requested.start.toISOString(), end: requested.end.toISOString() };
  const keepsCheckpoint = stream.timeOf !== undefined && deps.cursors !== undefined && ctx.userId !== undefined;
  let position: StreamPosition | undefined;
  /** The page whose records are being handed out; undefined between pages. */
  let current: FetchedPage | undefined;
  /** Records of that page, by index, whose details arrived but that were not handed out when the read stopped. */
  let ready = new Map<number, ProviderRecord>();
  /** A collecting stream's records of the step being read. */
  let collected: ProviderRecord[] | undefined;
  let newest: number | undefined;
  let started = false;
  const once = onceAnswers(ctx.resume?.once);
  /** Ids of the records of the step being read, and of the step before it, that the read has met. */
  let previousIds = new Set<string>();
  let ids = new Set<string>();
  /** Of those, ids of records met but not handed out yet (their details in flight): a position leaves them out. */
  const unsent = new Map<string, number>();

  // The member's time zone the connection learned (a stream's `timezone`): looked up once per read, when a
  // page says one or recordFields need it; kept when a page says more.
  const keepsZone = deps.cursors !== undefined && ctx.userId !== undefined;
  let known: KnownZone | undefined;
  const learnedZone = async (): Promise<KnownZone> => {
    known ??= keepsZone ? await readLearnedZone(deps.cursors!, ctx.userId!) : { days: {} };
    return known;
  };
  const keeping: ZoneKeeping | undefined = keepsZone ? { cursors: deps.cursors!, userId: ctx.userId!, onStale: ctx.onStaleDates } : undefined;
  const learn = async (said: ZoneSaid) => keepLearnedZone(keeping, await learnedZone(), said, deps.now());
  let warnedNoZone = false;

  const commit = async () => {
    if (keepsCheckpoint && newest !== undefined) await advanceCheckpoint(deps.cursors!, ctx.userId!, spec.name, newest);
  };

  async function* run(): AsyncGenerator<ProviderRecord> {
    if (!spec.request) {
      throw new UserError(ErrorCodes.SPEC_INVALID, `${where} has no request: its records come from a read hook, not the stream executor`, {
        hint: "Give the stream a request, or run its read hook instead.",
      });
    }
    const resume = ctx.resume;
    let window: TimeWindow | undefined;
    if (resume) {
      checkResume(resume, spec.name, requestedIso);
      if (resume.done) {
        position = resume;
        return;
      }
      window = resume.window ? { start: Date.parse(resume.window.start), end: Date.parse(resume.window.end) } : undefined;
      if (resume.newest) newest = Date.parse(resume.newest);
    }
    // Local days are cut in the zone known when the read began (kept in the position: a continued read
    // steps as it did, whatever its pages taught the connection since).
    const dayZone = spec.dateRange?.localDays ? (resume ? resume.zone : ((await learnedZone()).zone ?? (await probeZone()))) : undefined;
    if (!resume && stream.wantsDatedZone && stream.probes.length > 0 && (await missesDates())) await probeZone();
    const zone = dayZone === undefined ? undefined : timeZone(dayZone);
    if (!resume) window = await effectiveWindow(zone);
    const base = {
      v: 1 as const,
      stream: spec.name,
      requested: requestedIso,
      window: window ? isoWindow(window) : null,
      ...(dayZone !== undefined ? { zone: dayZone } : {}),
    };
    position = { ...base };
    if (window) {
      const dateRange = spec.dateRange;
      const steps = dateRange ? stepWindows(window, dateRange.maxWindowDays, dateRange.order, zone) : [window];
      let resuming = resume?.step ? { start: Date.parse(resume.step.start), end: Date.parse(resume.step.end) } : undefined;
      for (const step of steps) {
        if (resuming && (step.start !== resuming.start || step.end !== resuming.end)) continue;
        const from = resuming ? resume : undefined;
        resuming = undefined;
        let state = from?.page ?? pager.first();
        let skip = from?.skip ?? 0;
        let received = from?.fetched;
        stats.windows += 1;
        [previousIds, ids] = from ? [new Set(from.seenBefore ?? []), new Set(from.seen ?? [])] : [ids, new Set<string>()];
        const variables: TemplateVariables = dateRange
          ? { start: renderStart(step.start, dateRange.start), ...(dateRange.end ? { end: renderEnd(step.end, dateRange.end) } : {}) }
          : {};
        const request = await session.prepare(spec.request!, variables);
        collected = spec.collect ? [...(from?.collected ?? [])] : undefined;
        for (;;) {
          position = { ...base, step: isoWindow(step), page: state, skip, ...(newest !== undefined ? { newest: new Date(newest).toISOString() } : {}) };
          // A continued read starts with the rest of the page it had received, not with asking for it again.
          const page = received ?? (await fetchPage(request, state, variables, step));
          received = undefined;
          current = page;
          ready = new Map((page.ready ?? []).map((index) => [index, page.records[index]!]));
          const reading = handOut(
            page,
            skip,
            variables,
            step,
            (id) => previousIds.has(id) || ids.has(id),
            (id) => ids.add(id),
          );
          if (collected) for await (const record of reading) collected.push(record);
          else yield* reading;
          current = undefined;
          const after = page.after;
          if ("stop" in after) {
            if (after.stop === "max_pages" || after.stop === "loop") {
              stats.truncated += 1;
              deps.log.warn(
                { stream: spec.name, reason: after.stop, pages: state.pages + 1 },
                after.stop === "max_pages"
                  ? "stream paging reached maxPages in one window; the rest of the window is not read (raise paging.maxPages or lower dateRange.maxWindowDays)"
                  : "the provider answered the same next page twice; paging stopped",
              );
            }
            break;
          }
          state = after.next;
          skip = 0;
        }
        if (collected) {
          const records = collected;
          collected = undefined;
          if (records.length > 0) {
            stats.collected += 1;
            // While the step's record is out, the position says its paging is over: a continued read moves on.
            current = { records: [], after: { stop: "end" } };
            position!.skip = 0;
            yield { [spec.collect!.into]: records, window: { ...isoWindow(step), ...(dayZone !== undefined ? { timezone: dayZone } : {}) } };
            current = undefined;
          }
        }
      }
      if (resuming) {
        throw new UserError(ErrorCodes.SPEC_INVALID, `Cannot continue ${where}: its saved position is not a step of the window`, {
          hint: "The stream's dateRange changed since the position was saved; read the window again without resume.",
        });
      }
    }
    position = { ...base, done: true, ...(newest !== undefined ? { newest: new Date(newest).toISOString() } : {}) };
    if (ctx.autoCommit !== false) await commit();
  }

  /**
   * A connection that knows no zone yet (a new one's backfill) asks the stream's probe before its first
   * local days are cut: else they would be UTC days, and days a backfill read are rarely read again.
   */
  async function probeZone(): Promise<string | undefined> {
    const dateRange = spec.dateRange;
    if (stream.probes.length === 0 || !dateRange) return undefined;
    const variables: TemplateVariables = {
      start: renderStart(requested.start.getTime(), dateRange.start),
      ...(dateRange.end ? { end: renderEnd(requested.end.getTime(), dateRange.end) } : {}),
    };
    let says = false;
    for (const probe of stream.probes) {
      const answer = await session.execute(await session.prepare(probe.request, variables));
      const said = probe.zoneOf(answer.body, []);
      says ||= said.zone !== undefined;
      await learn(said);
    }
    if (!says) {
      deps.log.warn({ stream: spec.name }, "the timezone probe's answer says no zone; local days are UTC days until a page says one");
      return undefined;
    }
    return (await learnedZone()).zone;
  }

  /**
   * Whether a date of the requested window has no offset seen (a dated read probes then): a connection
   * that knows an IANA zone knows every date.
   */
  async function missesDates(): Promise<boolean> {
    const { zone, days } = await learnedZone();
    if (zone !== undefined && parseOffsetText(zone) === undefined) return false;
    for (let day = Math.floor(requested.start.getTime() / DAY_MS) * DAY_MS; day < requested.end.getTime(); day += DAY_MS) {
      if (!days[new Date(day).toISOString().slice(0, 10)]) return true;
    }
    return false;
  }

  /** One page's records and what comes next; the answer itself (raw bytes and all) is not kept while they are handed out. */
  async function fetchPage(request: PreparedRequest, state: PageState, variables: TemplateVariables, step: TimeWindow): Promise<FetchedPage> {
    const answer = await session.execute(pager.request(request, state, session));
    stats.pages += 1;
    const { records, skipped } = extractRecords(answer, spec.records ?? "", where);
    stats.malformed += skipped;
    let after = pager.after(state, answer, records.length);
    if (stream.within) {
      // A list in a known order is past the window from its first record that is: the rest of it is too.
      const past = records.findIndex((record) => stream.within!.ends(stream.within!.place(record, step, ctx.recent), ctx.recent));
      if (past !== -1) {
        stats.filtered += records.length - past;
        records.length = past;
        after = { stop: "end" };
      }
    }
    stream.following?.(records);
    if (stream.zoneOf) await learn(stream.zoneOf(answer.body, records));
    if (stream.recordFields) {
      const zone = stream.wantsZone ? await learnedZone() : { days: {} };
      if (stream.wantsZone && zone.zone === undefined && !warnedNoZone && records.length > 0) {
        warnedNoZone = true;
        deps.log.warn(
          { stream: spec.name },
          "no time zone or UTC offset learned for the member yet: {timezone} is empty (local times are read at UTC) until a stream's timezone says one",
        );
      }
      const learned = stream.wantsZone ? { timezone: zone.zone ?? "" } : {};
      const fields = stream.recordFields(session.variables({ ...variables, ...answerVariables(answer.headers), ...learned }), zone);
      for (const record of records) Object.assign(record, fields(record));
      // Which offsets its days were read at: a date decided otherwise later is read again.
      const mappedAt = stream.mappedAt;
      if (mappedAt && keeping)
        await keepMappedDays(
          keeping,
          zone,
          spec.name,
          mappedDaysOf(records, (r) => mappedAt(r, zone)),
          deps.now(),
          deps.maxHistoryDays,
        );
    }
    return { records, after };
  }

  async function effectiveWindow(zone: TimeZone | undefined): Promise<TimeWindow | undefined> {
    let start = requested.start.getTime();
    if (ctx.checkpoint === "use" && keepsCheckpoint) {
      const checkpoint = await readCheckpoint(deps.cursors!, ctx.userId!, spec.name);
      if (checkpoint !== undefined) start = Math.max(start, checkpoint - stream.lookbackMs);
    }
    return clampWindow(
      { start, end: requested.end.getTime() },
      {
        now: (ctx.now ?? deps.now)(),
        maxHistoryDays: deps.maxHistoryDays,
        futureMarginMs: deps.futureMarginMs,
        wholeDays: spec.dateRange?.start.format === "date" || spec.dateRange?.wholeDays === true,
        zone,
      },
    );
  }

  /** One page's records, in order, details fetched up to detailConcurrency records ahead. */
  async function* handOut(
    page: FetchedPage,
    from: number,
    variables: TemplateVariables,
    step: TimeWindow,
    seen: (id: string) => boolean,
    remember: (id: string) => void,
  ): AsyncGenerator<ProviderRecord> {
    const { records } = page;
    const readyBefore = new Set(page.ready ?? []);
    const pending: { index: number; record: ProviderRecord; id?: string | undefined; outcome: Promise<DetailOutcome> }[] = [];
    const met = (id: string) => {
      remember(id);
      unsent.set(id, (unsent.get(id) ?? 0) + 1);
    };
    const sent = (id: string | undefined) => {
      if (id === undefined) return;
      const left = (unsent.get(id) ?? 1) - 1;
      if (left > 0) unsent.set(id, left);
      else unsent.delete(id);
    };
    const passed = (index: number) => {
      if (pending.length === 0 && position) position.skip = index + 1;
    };
    async function* next(): AsyncGenerator<ProviderRecord> {
      const head = pending.shift()!;
      let outcome: DetailOutcome;
      try {
        outcome = await head.outcome;
      } catch (error) {
        // The read stops here (a wait, revoked access…). Details that did arrive for the records after
        // this one are kept for the position, so a continued read does not ask for them again.
        const later = await Promise.allSettled(pending.map((entry) => entry.outcome));
        later.forEach((settled, i) => {
          if (settled.status === "fulfilled" && settled.value.ok) ready.set(pending[i]!.index, settled.value.record);
        });
        throw error;
      }
      stats.detailRequests += outcome.fetched;
      stats.detailFailures += outcome.failures;
      sent(head.id);
      if (!outcome.ok) {
        if (!ctx.onRejected) throw outcome.error;
        stats.rejected += 1;
        await ctx.onRejected(head.record, outcome.error);
        position!.skip = head.index + 1;
        return;
      }
      const time = stream.timeOf?.(outcome.record);
      if (time !== undefined && (newest === undefined || time > newest)) {
        newest = time;
        position!.newest = new Date(time).toISOString();
      }
      position!.skip = head.index + 1;
      stats.records += 1;
      yield outcome.record;
    }
    for (let index = from; index < records.length; index += 1) {
      const record = records[index]!;
      if (readyBefore.has(index)) {
        // Filtered, checked and given its details before the read stopped.
        const id = stream.idOf(record);
        if (id !== undefined) met(id);
        pending.push({ index, record, id, outcome: Promise.resolve({ ok: true, record, failures: 0, fetched: 0 }) });
        while (pending.length >= deps.detailConcurrency) yield* next();
        continue;
      }
      let keep = true;
      try {
        const placement = stream.within?.place(record, step, ctx.recent);
        keep = placement !== "before" && placement !== "after" && (!stream.filter || (await stream.filter(record, bound)));
      } catch (error) {
        // In turn with the records before it, like a failed required detail.
        pending.push({ index, record, outcome: Promise.resolve({ ok: false, error: expressionFailed(error, `${where}.filter`), failures: 0, fetched: 0 }) });
        while (pending.length >= deps.detailConcurrency) yield* next();
        continue;
      }
      if (!keep) {
        stats.filtered += 1;
        passed(index);
        continue;
      }
      const id = stream.idOf(record);
      if (id === undefined) stats.missingIds += 1;
      else if (seen(id)) {
        stats.duplicates += 1;
        passed(index);
        continue;
      } else met(id);
      const outcome =
        stream.details.length > 0
          ? attachDetails(record, stream.details, session, variables, bound, once)
          : Promise.resolve({ ok: true as const, record, failures: 0, fetched: 0 });
      // Awaited in order below; if the read stops first, a later failure must not go unhandled.
      outcome.catch(() => undefined);
      pending.push({ index, record, id, outcome });
      while (pending.length >= deps.detailConcurrency) yield* next();
    }
    while (pending.length > 0) yield* next();
  }

  /**
   * A position is saved with a parked job: what it holds of the provider's answers is let go, largest
   * saving last, until it fits in maxPositionBytes — details that arrived ahead (a workout's samples can
   * be a megabyte) and `once` answers are asked for again; the rest of a page is fetched again from its
   * page state and skipped to the same record; a collecting step's records are read again from the step's
   * first page. Ids and page states are kept whatever their size (see ERR_PULL_POSITION_TOO_LARGE).
   */
  const withinSize = (at: StreamPosition, from: number): StreamPosition => {
    const max = deps.maxPositionBytes ?? MAX_POSITION_BYTES;
    const fits = () => JSON.stringify(at).length <= max;
    if (fits()) return at;
    if (at.fetched?.ready && current) {
      at.fetched = { records: current.records.slice(from), after: at.fetched.after };
      if (fits()) return at;
    }
    if (at.once) {
      delete at.once;
      if (fits()) return at;
    }
    if (at.fetched) {
      delete at.fetched;
      at.skip = from;
      if (fits()) return at;
    }
    if (at.collected) {
      // Nothing of the step was handed out yet: it is read again as a whole.
      delete at.collected;
      delete at.fetched;
      at.page = pager.first();
      at.skip = 0;
      at.seen = [];
    }
    return at;
  };

  return {
    stats,
    position: () => {
      if (!position) return undefined;
      const at: StreamPosition = structuredClone(position);
      if (position.done) return at;
      // What was received and not handed out is kept as received: records are never changed once read
      // (details go onto copies), so they are shared, not copied.
      const from = position.skip ?? 0;
      if (current) {
        const rest = current.records.slice(from);
        const readyAt: number[] = [];
        for (const [index, record] of ready) {
          if (index < from) continue;
          rest[index - from] = record;
          readyAt.push(index - from);
        }
        at.skip = 0;
        at.fetched = { records: rest, after: structuredClone(current.after), ...(readyAt.length > 0 ? { ready: readyAt.sort((a, b) => a - b) } : {}) };
      }
      if (collected && collected.length > 0) at.collected = [...collected];
      if (Object.keys(once.arrived).length > 0) at.once = { ...once.arrived };
      if (position.step) {
        at.seen = [...ids].filter((id) => !unsent.has(id));
        if (previousIds.size > 0) at.seenBefore = [...previousIds];
      }
      return withinSize(at, from);
    },
    commit,
    [Symbol.asyncIterator]() {
      if (started)
        throw new UserError(ErrorCodes.SPEC_INVALID, `${where}: a stream reading can be iterated once`, { hint: "Call readStream again for another pass." });
      started = true;
      return run();
    },
  };
}

const DAY_MS = 86_400_000;

const isoWindow = (window: TimeWindow) => ({ start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() });

function checkResume(resume: StreamPosition, stream: string, requested: { start: string; end: string }): void {
  if (resume.v !== 1 || resume.stream !== stream || resume.requested?.start !== requested.start || resume.requested?.end !== requested.end) {
    throw new UserError(
      ErrorCodes.SPEC_INVALID,
      `The saved position belongs to another read (stream ${resume.stream}, ${resume.requested?.start} – ${resume.requested?.end})`,
      {
        hint: "Resume a read with the same stream and window it was saved for.",
      },
    );
  }
}
