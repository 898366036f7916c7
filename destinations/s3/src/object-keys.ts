import type { RecordKey } from "@tributary/core/contracts";

/** Terra's bucket layout starts every key with the payload version. */
export const PAYLOAD_VERSION = "2022-03-16";
/** Folder (under the prefix) for oversized payloads parked for webhook/SQS pointers. */
export const PAYLOADS_FOLDER = "payloads";

const SESSION_TYPES = new Set(["activity", "sleep"]);

/** `"terra"` → `"terra/"`; `""` stays `""`. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").replace(/^\/+/, "");
  return trimmed === "" || trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}

/** A key part may hold anything but `/` (it would open a folder): escape it, and `%` so escaping stays reversible. */
export function keyPart(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("/", "%2F");
}

const extension = (gzip: boolean) => (gzip ? ".json.gz" : ".json");

/**
 * Where one data record lives: `<prefix>2022-03-16/<type>/<user_id>-<when>.json[.gz]`, the same key for the
 * same natural key so a redelivery overwrites it.
 * - day types (daily, body, nutrition, menstruation): `<when>` is the natural key, the date of start_time —
 *   one day can arrive with different UTC offsets, which would otherwise split it over two objects.
 * - activity and sleep: Terra's `<start_time>`, then `-<summary_id>` because two sessions may start at the
 *   same instant. A provider keeps a session's start_time with its summary_id, so the key stays stable.
 * - athlete: one object per user, `athlete/<user_id>.json`.
 */
export function dataObjectKey(prefix: string, key: RecordKey, gzip: boolean): string {
  return `${dataObjectStem(prefix, key)}${extension(gzip)}`;
}

/** An activity's FIT file: the key of its JSON object with `.fit` for `.json` (Terra's layout). */
export function fitObjectKey(prefix: string, key: RecordKey): string {
  return `${dataObjectStem(prefix, key)}.fit`;
}

function dataObjectStem(prefix: string, key: RecordKey): string {
  const user = keyPart(key.userId);
  let name: string;
  if (key.type === "athlete") name = user;
  else if (SESSION_TYPES.has(key.type)) {
    const start = keyPart(key.startTime ?? "unknown");
    name = key.key === key.startTime ? `${user}-${start}` : `${user}-${start}-${keyPart(key.key)}`;
  } else name = `${user}-${keyPart(key.key)}`;
  return `${prefix}${PAYLOAD_VERSION}/${keyPart(key.type)}/${name}`;
}

/** A lifecycle event (from `eventKey`): `<prefix>2022-03-16/<event_type>/<user_id>-<ISO time>.json[.gz]`. */
export function eventObjectKey(prefix: string, key: RecordKey, gzip: boolean): string {
  return `${prefix}${PAYLOAD_VERSION}/${keyPart(key.type)}/${keyPart(key.userId)}-${keyPart(key.startTime ?? "unknown")}${extension(gzip)}`;
}

/** Oversized payloads: one folder per user so `delete(user)` can erase them by prefix. */
export function payloadObjectKey(prefix: string, userId: string, type: string, traceId: string, gzip: boolean): string {
  return `${prefix}${PAYLOADS_FOLDER}/${keyPart(userId)}/${keyPart(type)}-${keyPart(traceId)}${extension(gzip)}`;
}

/** A file parked for a pointer (an activity's FIT file for a webhook), beside the payloads of its user. */
export function payloadFileKey(prefix: string, userId: string, traceId: string, name: string): string {
  return `${prefix}${PAYLOADS_FOLDER}/${keyPart(userId)}/${keyPart(traceId)}-${keyPart(name)}`;
}

/**
 * Whether a key listed under `<type folder>/<user_id>-` really is that user's: what follows the user id must
 * be the start of a date (or an athlete's bare `.json`), so user "abc" never claims user "abc-def"'s objects.
 */
export function isUsersObject(nameAfterUserId: string): boolean {
  return /^(-\d{4}-\d{2}-\d{2}|-unknown|\.json)/.test(nameAfterUserId);
}
