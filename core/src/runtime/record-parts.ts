import type { DataType } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import { recordKey } from "../contracts/natural-key.ts";
import type { RecordPartRepository, StoredRecordPart, StoredRecordParts } from "../state/index.ts";
import type { Normalized } from "./normalize.ts";

/**
 * Records that are parts of a record other provider records share (a mapping with `merge`: Garmin's day
 * is its daily summary, its 15-minute epochs and its user metrics) become the whole record: each part is
 * added to those kept for its user and natural key, and the record delivered is all of them folded, so
 * destinations — which upsert by the natural key — get every part of the day instead of the last one.
 * Several parts of one key in one batch give one record. Records without a part pass through as they are.
 */
export async function wholeRecords(
  store: Pick<RecordPartRepository, "addRecordParts">,
  userId: string,
  dataType: DataType,
  normalized: Normalized,
  now: number = Date.now(),
): Promise<StandardRecord[]> {
  const { out, byKey } = partsByKey(userId, dataType, normalized, now);
  if (byKey.size === 0) return normalized.valid;
  const whole = new Map<string, StandardRecord>();
  for (const [key, parts] of byKey) whole.set(key, foldRecordParts(await store.addRecordParts(userId, dataType, key, parts)));
  return out.map((entry) => (typeof entry === "string" ? whole.get(entry)! : entry));
}

/**
 * The records of a batch that are parts, grouped by the natural key of their record (a part repeated in
 * one batch: the later one is the newer), and the batch in order with each record's key in place of its
 * parts, once, where its first part was.
 */
export function partsByKey(userId: string, dataType: DataType, normalized: Normalized, now: number): PartsByKey {
  const partOf = normalized.parts;
  const byKey = new Map<string, StoredRecordParts>();
  if (!partOf || partOf.size === 0) return { out: normalized.valid, byKey };
  const out: Array<StandardRecord | string> = [];
  for (const record of normalized.valid) {
    const part = partOf.get(record);
    if (!part) {
      out.push(record);
      continue;
    }
    const key = recordKey(dataType, userId, record).key;
    let parts = byKey.get(key);
    if (!parts) {
      byKey.set(key, (parts = {}));
      out.push(key);
    }
    delete parts[part.id];
    parts[part.id] = { precedence: part.precedence, at: now, record };
  }
  return { out, byKey };
}

export interface PartsByKey {
  out: Array<StandardRecord | string>;
  byKey: Map<string, StoredRecordParts>;
}

/**
 * One record from its parts. A kind of part is the mapping that made it (a part id is the mapping's name,
 * then `:` and the provider record's part id when it has one; mapping names have no `:`). First each
 * kind's parts are folded, oldest first: lists of objects (samples) are joined and kept in time order —
 * a day's epochs each bring their own slice. Then the kinds, from the lowest precedence (then the one
 * whose newest part is oldest) up, are laid over each other, and where two kinds give the same list of
 * samples the winning kind's list is kept whole: two kinds are two recordings of the same samples (an
 * activity's details and its FIT file), which adding up would count twice. Objects are laid over field by
 * field, a value over a value; other lists (a position's [lat, lng]) are values. A missing or null value,
 * or an empty list, never erases one another part gave.
 */
export function foldRecordParts(parts: StoredRecordParts): StandardRecord {
  const kinds = new Map<string, { precedence: number; newest: number; parts: Array<[string, StoredRecordPart]> }>();
  for (const [id, part] of Object.entries(parts)) {
    const name = id.split(":", 1)[0]!;
    const kind = kinds.get(name);
    if (kind) {
      kind.parts.push([id, part]);
      kind.newest = Math.max(kind.newest, part.at);
    } else kinds.set(name, { precedence: part.precedence, newest: part.at, parts: [[id, part]] });
  }
  const ordered = [...kinds].sort(([nameA, a], [nameB, b]) => a.precedence - b.precedence || a.newest - b.newest || byName(nameA, nameB));
  let whole: unknown = {};
  for (const [, kind] of ordered) {
    let ofKind: unknown = {};
    for (const [, part] of kind.parts.sort(([idA, a], [idB, b]) => a.at - b.at || byName(idA, idB))) ofKind = laidOver(ofKind, part.record, joined);
    whole = laidOver(whole, ofKind, replaced);
  }
  return whole as StandardRecord;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Two lists of samples of one kind of part: both, in time order. */
const joined = (under: Array<Record<string, unknown>>, over: Array<Record<string, unknown>>) => inTimeOrder([...under, ...over]);
/** Two lists of samples of two kinds: the winning kind's. */
const replaced = (_under: Array<Record<string, unknown>>, over: Array<Record<string, unknown>>) => over;

function laidOver(under: unknown, over: unknown, samples: (under: Array<Record<string, unknown>>, over: Array<Record<string, unknown>>) => unknown): unknown {
  if (over === undefined || over === null) return under;
  if (isObject(under) && isObject(over)) {
    const out: Record<string, unknown> = { ...under };
    for (const [field, value] of Object.entries(over)) out[field] = laidOver(under[field], value, samples);
    return out;
  }
  if (Array.isArray(over) && over.length === 0 && under !== undefined) return under;
  if (isSampleList(under) && isSampleList(over)) return samples(under, over);
  return over;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSampleList(value: unknown): value is Array<Record<string, unknown>> {
  return Array.isArray(value) && value.every(isObject);
}

/** Samples by their `timestamp` (stable: those without one, or at the same time, keep their order). */
function inTimeOrder(samples: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const time = (sample: Record<string, unknown>) => (typeof sample.timestamp === "string" ? Date.parse(sample.timestamp) : Number.NaN);
  if (!samples.every((sample) => !Number.isNaN(time(sample)))) return samples;
  return samples
    .map((sample) => ({ sample, t: time(sample) }))
    .sort((a, b) => a.t - b.t)
    .map(({ sample }) => sample);
}

/** Record parts kept in memory, for one run of the CLI (`connector run --pushes`) rather than a state store. */
export function memoryRecordParts(): Pick<RecordPartRepository, "addRecordParts"> {
  const kept = new Map<string, StoredRecordParts>();
  return {
    async addRecordParts(userId, dataType, recordKey, parts) {
      const key = JSON.stringify([userId, dataType, recordKey]);
      const all = { ...kept.get(key), ...parts };
      kept.set(key, all);
      return all;
    },
  };
}
