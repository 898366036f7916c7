import type { PagingSpec, StopRule } from "@tributary/schemas";
import { isDatedZone } from "../template-variables.ts";
import { compileTemplate } from "../template.ts";
import type { Check, Report } from "./check.ts";
import { requestTemplates, specStreams, type SpecStream } from "./spec-parts.ts";

/** What each paging type can tell: a page size to know a short page by, a page count, a record count. */
const STOP_RULES_BY_PAGING: Record<PagingSpec["type"], readonly StopRule["type"][]> = {
  page: ["empty", "short_page", "flag", "total_pages", "total_records"],
  offset: ["empty", "short_page", "flag", "total_records"],
  cursor: ["empty", "short_page", "flag"],
  link: ["empty", "flag"],
};

/** Paging, stop rules, the window, checkpoints, details and object requests of each stream. */
export const checkStreams: Check = ({ spec, hooks }, report) => {
  for (const entry of specStreams(spec)) {
    checkPaging(entry, report);
    if (!hooks.read?.[entry.stream.name]) checkWindow(entry, report);
    checkDetails(entry, report);
    const { stream, path } = entry;
    if (stream.checkpoint && !stream.dateRange) {
      report(
        [...path, "checkpoint"],
        "never used: a checkpoint is where the next poll's window starts, and this stream passes no window — add dateRange, or remove it",
      );
    }
    if (stream.within?.order !== undefined && !stream.paging) {
      report([...path, "within", "order"], "never used: the order lets paging stop early, and this stream has no paging — remove it");
    }
    if (stream.within && stream.dateRange?.end) {
      report([...path, "within"], "never needed: the provider is given the window's end (dateRange.end) and answers only what is inside — remove it");
    }
    if (stream.object && stream.recordFields) {
      report(
        [...path, "recordFields"],
        "an object fetched by id for a push has no window to fill these fields from — a stream with recordFields cannot have object",
      );
    }
    if (stream.recordFields && !stream.request) {
      report([...path, "recordFields"], "never set: the stream's records come from a read hook, which writes its records itself");
    }
    if (stream.dateRange?.localDays) checkLocalDays(entry, report);
    // A transaction stream reads no pages, but learns the zone from each item it fetches.
    if (((stream.timezone && !stream.transaction) || stream.following) && !stream.request) {
      report(
        [...path, stream.timezone && !stream.transaction ? "timezone" : "following"],
        "never used: the stream's records come from a read hook, not from pages the executor reads",
      );
    }
    if (stream.timezone) checkTimezone(entry, report);
    if (stream.collect) checkCollect(entry, report);
    if (stream.transaction) checkTransaction(entry, report);
    if (
      stream.object &&
      !usesVariable(
        requestTemplates(stream.object.request, []).map((t) => t.text),
        "object_id",
      )
    ) {
      report([...path, "object", "request"], "never names the object: use {object_id} in its path or query");
    }
  }
};

/** Where pages say the zone (in and path go together), and what a probe is made for. */
function checkTimezone({ stream, path }: SpecStream, report: Report): void {
  const timezone = stream.timezone!;
  const at = [...path, "timezone"];
  if ((timezone.in === undefined) !== (timezone.path === undefined)) {
    report(
      [...at, timezone.in === undefined ? "in" : "path"],
      "in and path go together: where the zone is (path) in each answer or each record (in) — give both",
    );
  } else if (timezone.in === undefined && !timezone.probe) {
    report(at, "says nothing: give in and path (where pages say the zone), or a probe (a request that says it)");
  }
  if (timezone.in === undefined && (timezone.unit !== undefined || timezone.date !== undefined)) {
    report(
      [...at, timezone.unit !== undefined ? "unit" : "date"],
      "never used: unit and date describe the value at path, and this timezone has no path — move them into the probe, or give in and path",
    );
  }
  const dated = Object.values(stream.recordFields ?? {}).some((text) => {
    try {
      return compileTemplate(text).variables.some(isDatedZone);
    } catch {
      return false; // reported by the template check
    }
  });
  if (timezone.probe && !stream.dateRange?.localDays && !dated) {
    report(
      [...at, "probe"],
      "never used: the probe learns the zone before a read's first local days are cut (dateRange.localDays) or before recordFields read {timezone.at.<field>}, and this stream does neither — add one, or remove it",
    );
  }
}

/** What a transaction stream reads is what is new since the last commit: no window, page or checkpoint of its own. */
const NOT_WITH_TRANSACTION = ["request", "dateRange", "paging", "records", "recordFields", "following", "within", "checkpoint", "collect", "object"] as const;

function checkTransaction({ stream, path }: SpecStream, report: Report): void {
  const transaction = stream.transaction!;
  for (const key of NOT_WITH_TRANSACTION) {
    if (stream[key] !== undefined)
      report(
        [...path, key],
        `not with a transaction: its records are what is new since the last commit, listed and fetched by the transaction — remove ${key}, or read the data type's windows with another stream`,
      );
  }
  if (stream.details?.length)
    report([...path, "details"], "not with a transaction: an item's sub-resources are fetched from its URL — declare them as transaction.parts");
  const uses = (request: typeof transaction.create) =>
    usesVariable(
      requestTemplates(request, []).map((t) => t.text),
      "transaction_id",
    );
  for (const step of ["list", "commit"] as const) {
    if (!uses(transaction[step]))
      report(
        [...path, "transaction", step],
        "never names the transaction: use {transaction_id} in its path (the id the create answer holds at transaction.id)",
      );
  }
  const seen = new Set<string>();
  transaction.parts?.forEach((part, i) => {
    if (seen.has(part.name))
      report([...path, "transaction", "parts", i, "name"], `"${part.name}" is already the name of another part: each answer is attached under its own name`);
    seen.add(part.name);
  });
}

/** Local days are whole days or steps of whole days, rendered as instants (a date would name a UTC day). */
function checkLocalDays({ stream, path }: SpecStream, report: Report): void {
  const range = stream.dateRange!;
  const at = [...path, "dateRange", "localDays"];
  if (range.start.format === "date" || range.end?.format === "date")
    report(at, "a `date` names a UTC day here: local days need instants (datetime, unix_seconds, unix_ms) — remove localDays or change the format");
  else if (!range.wholeDays && (range.maxWindowDays === undefined || !Number.isInteger(range.maxWindowDays)))
    report(at, "never used: local days widen whole days (wholeDays) and step whole days (an integer maxWindowDays), and this dateRange has neither");
}

/** A collected record is `{ <into>: [...], window }`; one fetched object could not be shaped like it. */
function checkCollect({ stream, path }: SpecStream, report: Report): void {
  if (stream.collect!.into === "window") report([...path, "collect", "into"], '"window" is where the collected record keeps its window: choose another name');
  if (stream.object)
    report(
      [...path, "object"],
      "cannot be collected: a collecting stream hands out a window's records as one record, and one fetched object is not that — pull the window instead (pull_window)",
    );
  if (stream.example !== undefined)
    report(
      [...path, "example"],
      "not what this stream's mapping reads: it maps a window's records collected into one — give the mapping an example (mappings.<name>.examples) instead",
    );
  if (!stream.dateRange)
    report([...path, "collect"], "collects one window, and this stream passes none — add a dateRange (with maxWindowDays and wholeDays for one record a day)");
}

function checkPaging({ stream, path }: SpecStream, report: Report): void {
  const paging = stream.paging;
  if (!paging) return;
  const at = [...path, "paging"];
  if (paging.type === "link" && paging.nextPath === undefined && paging.linkHeader !== true) {
    report(at, "link paging needs nextPath (where the response holds the next page's URL) or linkHeader: true");
  }
  const allowed = STOP_RULES_BY_PAGING[paging.type];
  const size = "size" in paging ? paging.size : undefined;
  paging.stop?.forEach((rule, i) => {
    if (!allowed.includes(rule.type)) {
      report([...at, "stop", i, "type"], `${rule.type} cannot end ${paging.type} paging — use one of ${allowed.join(", ")}`);
    } else if ((rule.type === "short_page" || (rule.type === "total_records" && paging.type === "page")) && size === undefined) {
      report([...at, "stop", i, "type"], `${rule.type} needs paging.size (the records a full page holds)`);
    }
  });
}

/** A declared window is passed to the provider: {start} (and {end} when its format is declared) appear in the requests. */
function checkWindow({ stream, path }: SpecStream, report: Report): void {
  const range = stream.dateRange;
  if (!range || !stream.request) return;
  const texts = [stream.request, ...(stream.details ?? []).flatMap((d) => (d.request ? [d.request] : []))].flatMap((request) =>
    requestTemplates(request, []).map((t) => t.text),
  );
  if (!usesVariable(texts, "start"))
    report([...path, "dateRange", "start"], "never sent: no request of this stream uses {start} — put it where the provider wants the window's start");
  if (range.end && !usesVariable(texts, "end"))
    report([...path, "dateRange", "end"], "never sent: no request of this stream uses {end} — put it where the provider wants the window's end, or remove it");
}

function checkDetails({ stream, path }: SpecStream, report: Report): void {
  const seen = new Set<string>();
  stream.details?.forEach((detail, i) => {
    if (seen.has(detail.name))
      report(
        [...path, "details", i, "name"],
        `"${detail.name}" is already the name of another detail of this stream; each answer is attached under its own name`,
      );
    if ((detail.request === undefined) === (detail.url === undefined)) {
      report(
        [...path, "details", i],
        detail.request
          ? "has both a request and a url: give one — the request to make, or the record's field holding the URL to fetch"
          : "says nothing to fetch: give a request, or url (the record's field holding the URL)",
      );
    }
    seen.add(detail.name);
    const texts = detail.request ? requestTemplates(detail.request, []).map((t) => t.text) : [];
    if (
      detail.once &&
      texts.some((text) => {
        try {
          return compileTemplate(text).variables.some((v) => v.startsWith("record."));
        } catch {
          return false;
        }
      })
    ) {
      report(
        [...path, "details", i, "once"],
        "a detail fetched once per read serves every record, so its request cannot name one with {record.…} — drop once, or the record variable",
      );
    }
  });
}

export function usesVariable(texts: readonly string[], name: string): boolean {
  return texts.some((text) => {
    try {
      return compileTemplate(text).variables.includes(name);
    } catch {
      return false; // reported by the template check
    }
  });
}
