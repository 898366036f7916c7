import type { ConnectorSpec, DateRangeSpec, ProviderUserIdSpec, RequestSpec, TimeFormat } from "@tributary/schemas";
import { compileTemplate } from "../spec/template.ts";
import { readPointer } from "../spec/pointer.ts";
import { parseTime } from "../streams/time-format.ts";
import type { RecordingSet } from "./load-recordings.ts";

const DAY_MS = 86_400_000;
const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

/** What a folder of recordings says about the pull it answers: its window and its user. */
export interface RecordedSpan {
  /** The span [start, end) of the recorded windows that follow one another without a gap; undefined when none has an end. */
  range?: { start: Date; end: Date };
  /** Recorded windows inside `range`. */
  windows: number;
  /** Recorded windows apart from it (a push's pull of another day, another pull in a subfolder): left out. */
  outside: number;
  /** Every provider user id the recordings name (in a stream's request, or the provider-user-id answer). */
  users: string[];
}

interface Window {
  /** The subfolder of its recording: recordings of another pull kept apart are never joined to it. */
  folder: string;
  start: number;
  /** Undefined for a request that names only a start (Fitbit's `afterDate`). */
  end?: number | undefined;
}

/**
 * Reads, from the recorded requests of a connector's streams, the windows they answered (their `{start}`
 * and `{end}` in the stream's dateRange formats) and the users they name (`{provider_user_id}`, or the
 * answer of the spec's provider-user-id request). Recordings made for one pull answer windows that follow
 * one another; recordings of other pulls (a push's day, a subfolder) may lie apart: the stretch of one
 * folder holding the most windows is the one taken.
 */
export function recordedSpan(spec: ConnectorSpec, recordings: RecordingSet): RecordedSpan {
  const windows: Window[] = [];
  const users = new Set<string>();
  const basePath = basePathPattern(spec.http?.baseUrl);
  for (const streams of Object.values(spec.streams ?? {})) {
    for (const stream of streams ?? []) {
      if (!stream.request) continue;
      const matcher = requestMatcher(stream.request, basePath);
      if (!matcher) continue;
      for (const { file, exchange } of recordings.files) {
        const captured = matcher(exchange.request);
        if (!captured) continue;
        const user = captured.get("provider_user_id");
        if (user) users.add(user);
        const window = stream.dateRange ? windowOf(captured, stream.dateRange) : undefined;
        if (window) windows.push({ folder: file.slice(0, Math.max(0, file.lastIndexOf("/"))), ...window });
      }
    }
  }
  // Not every auth type has these fields (none, partner push): read them where they are.
  const auth = spec.auth as { providerUserId?: ProviderUserIdSpec; alternatives?: Array<{ providerUserId?: ProviderUserIdSpec }> } | undefined;
  for (const how of [auth?.providerUserId, ...(auth?.alternatives ?? []).map((alternative) => alternative.providerUserId)]) {
    if (how?.from !== "request") continue;
    const matcher = requestMatcher(how.request, basePath);
    for (const { exchange } of recordings.files) {
      if (!matcher?.(exchange.request) || exchange.response.status >= 300) continue;
      const id = readPointer(exchange.response.body, how.path);
      if (typeof id === "string" || typeof id === "number") users.add(String(id));
    }
  }
  return { ...longestStretch(windows), users: [...users] };
}

/**
 * The windows of one folder merged where they meet or overlap; the stretch with the most windows (then
 * the longest) wins.
 */
function longestStretch(windows: Window[]): Omit<RecordedSpan, "users"> {
  const sorted = [...windows].sort((a, b) => (a.folder === b.folder ? a.start - b.start : a.folder < b.folder ? -1 : 1));
  const groups: Array<{ folder: string; start: number; end: number; count: number; hasEnd: boolean }> = [];
  for (const window of sorted) {
    const end = window.end ?? window.start;
    const last = groups.at(-1);
    if (last && last.folder === window.folder && window.start <= last.end) {
      last.end = Math.max(last.end, end);
      last.count += 1;
      last.hasEnd ||= window.end !== undefined;
    } else groups.push({ folder: window.folder, start: window.start, end, count: 1, hasEnd: window.end !== undefined });
  }
  const best = groups
    .filter((group) => group.hasEnd && group.end > group.start)
    .sort((a, b) => b.count - a.count || b.end - b.start - (a.end - a.start))[0];
  if (!best) return { windows: 0, outside: windows.length };
  return { range: { start: new Date(best.start), end: new Date(best.end) }, windows: best.count, outside: windows.length - best.count };
}

/** A window's bounds from what a request carried, [start, end) as the stream renders them (docs: dateRange). */
function windowOf(captured: Map<string, string>, range: DateRangeSpec): Omit<Window, "folder"> | undefined {
  const startText = captured.get("start");
  if (startText === undefined) return undefined;
  const start = parseTime(startText, range.start.format as TimeFormat);
  if (start === undefined) return undefined;
  const endText = captured.get("end");
  if (range.end && endText !== undefined) {
    const format = range.end.format as TimeFormat;
    const end = parseTime(endText, format);
    if (end === undefined) return undefined;
    // An inclusive end names the last day, second or millisecond inside the window.
    const step = format === "date" ? DAY_MS : format === "unix_seconds" ? 1000 : 1;
    return { start, end: range.end.inclusive ? end + step : end };
  }
  // A request that names only its start reads one step of the stream (Fitbit's day), else it is open-ended.
  return { start, end: range.maxWindowDays !== undefined && !range.end ? start + range.maxWindowDays * DAY_MS : undefined };
}

type Matcher = (request: { method: string; path: string; query?: Record<string, string | number | boolean | string[]> | undefined }) => Map<string, string> | undefined;

/**
 * Matches recorded requests against a request template: the same method, the path with every
 * placeholder as a wildcard, and the query values the recording names. Returns what the placeholders
 * stood for.
 */
function requestMatcher(request: RequestSpec, basePath: string): Matcher | undefined {
  // An absolute URL names its own path; a relative one is below the base URL's.
  const absolute = /^https?:\/\/[^/]+/i;
  const path = absolute.test(request.path)
    ? templatePattern(request.path.replace(absolute, ""), "[^/]*?")
    : templatePattern(`${request.path.startsWith("/") ? "" : "/"}${request.path}`, "[^/]*?", basePath);
  if (!path) return undefined;
  const query = Object.entries(request.query ?? {}).map(([key, source]) => ({ key, pattern: templatePattern(source, ".*?") }));
  if (query.some((entry) => !entry.pattern)) return undefined;
  const method = request.method ?? "GET";
  return (recorded) => {
    if (recorded.method !== method) return undefined;
    const captured = new Map<string, string>();
    if (!path.match(recorded.path, captured)) return undefined;
    for (const { key, pattern } of query) {
      const value = recorded.query?.[key];
      if (value === undefined) continue;
      // Numbers and booleans compare as text, as the recorded transport compares them.
      if (Array.isArray(value) || !pattern!.match(String(value), captured)) return undefined;
    }
    return captured;
  };
}

interface TemplatePattern {
  /** Whether the text fits; adds what each placeholder stood for to `captured` (one name, one value). */
  match(text: string, captured: Map<string, string>): boolean;
}

/** A template as a regular expression after `prefix` (one already), each placeholder a group of `slot`. */
function templatePattern(source: string, slot: string, prefix = ""): TemplatePattern | undefined {
  const names: string[] = [];
  let rendered: string;
  try {
    rendered = compileTemplate(source).render((name) => {
      names.push(name);
      return `\u0000${names.length - 1}\u0000`;
    });
  } catch {
    return undefined; // a pointer placeholder: not a stream's request
  }
  const body = rendered
    .split(/\u0000(\d+)\u0000/)
    .map((part, i) => (i % 2 === 1 ? `(${slot})` : part.replace(REGEX_SPECIALS, "\\$&")))
    .join("");
  const regex = new RegExp(`^${prefix}${body}$`);
  return {
    match(text, captured) {
      const found = regex.exec(text);
      if (!found) return false;
      for (const [i, name] of names.entries()) {
        const value = found[i + 1] ?? "";
        if (captured.has(name) && captured.get(name) !== value) return false;
        captured.set(name, value);
      }
      return true;
    },
  };
}

/** The base URL's path as a pattern ("/api/v3"), or any path when the base URL is a template. */
function basePathPattern(baseUrl: string | undefined): string {
  if (baseUrl === undefined || !compileTemplate(baseUrl).constant || !URL.canParse(baseUrl)) return ".*";
  return new URL(baseUrl).pathname.replace(/\/$/, "").replace(REGEX_SPECIALS, "\\$&");
}
