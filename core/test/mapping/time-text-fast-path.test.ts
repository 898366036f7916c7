import { describe, expect, it } from "vitest";
import { terraTimestamp } from "@tributary/schemas";
import { parseDateTime } from "../../src/mapping/time.ts";
import { convertTime } from "../../src/mapping/time-rule.ts";
import { compileMapping } from "../../src/mapping/index.ts";

/**
 * Text timestamps of the form "YYYY-MM-DDTHH:mm:ss(.fraction)?(Z|±HH:MM)" — a sample list's, mostly Terra's
 * own — are read by a fast path. Its results must be the general reading's (the regular expression the
 * fast path skips, as it was before): checked here against it, and the time rule's output against an
 * oracle that asks Intl for each instant's offset, over many instants around the changes of summer time
 * of several zones (half-hour and 45-minute ones too) and odd texts.
 */

/**
 * The general reading, unchanged by the fast path: the reference. A leading space, which it trims, keeps
 * the fast path (which reads characters at fixed places) out.
 */
const referenceParse = (text: string) => parseDateTime(` ${text}`);

/** The zone's offset (minutes east) at an instant, as Intl names it ("GMT+05:45"). */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
function oracleOffsetMinutes(zone: string, epochMs: number): number {
  let format = offsetFormats.get(zone);
  if (!format) offsetFormats.set(zone, (format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })));
  const name = format.formatToParts(epochMs).find((part) => part.type === "timeZoneName")!.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) throw new Error(`unexpected offset name ${name}`);
  if (!match[1]) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

/** A small deterministic generator (mulberry32), so a failure names a case that can be run again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ["Europe/Helsinki", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Asia/Kolkata", "UTC"];
const HOUR = 3_600_000;

const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2028, 0, 1);
/** The hours of 2024–2027 at whose end the zone's offset changes: days that change, then their hours. */
function changesOf(zone: string): number[] {
  const changes: number[] = [];
  for (let day = FROM; day < TO; day += 24 * HOUR) {
    if (oracleOffsetMinutes(zone, day) === oracleOffsetMinutes(zone, day + 24 * HOUR)) continue;
    for (let at = day; at < day + 24 * HOUR; at += HOUR) if (oracleOffsetMinutes(zone, at) !== oracleOffsetMinutes(zone, at + HOUR)) changes.push(at);
  }
  return changes;
}
const CHANGES = new Map(ZONES.map((zone) => [zone, changesOf(zone)]));

/** Instants each side of every change of offset in 2024–2027, and some at random. */
function instantsAround(zone: string, next: () => number): number[] {
  const instants: number[] = [];
  for (const at of CHANGES.get(zone)!) {
    for (let i = 0; i < 40; i++) instants.push(at - 2 * HOUR + Math.floor(next() * 5 * HOUR));
    for (const edge of [at, at + HOUR / 2, at + HOUR]) instants.push(edge - 1, edge, edge + 1, edge - 1000, edge + 1000);
  }
  for (let i = 0; i < 200; i++) instants.push(FROM + Math.floor(next() * (TO - FROM)));
  return instants;
}

/** The text variants of one instant at one offset: Terra's, fractions of 0–9 digits, Z, other separators. */
function textsOf(epochMs: number, offsetMinutes: number, next: () => number): string[] {
  const terra = terraTimestamp(epochMs, offsetMinutes); // 2026-03-29T02:59:59.999000+02:00
  const whole = terra.slice(0, 19);
  const fraction = terra.slice(20, 26);
  const offset = terra.slice(26);
  const digits = Array.from({ length: 3 }, () => String(Math.floor(next() * 10))).join("");
  const utc = new Date(epochMs).toISOString(); // …Z
  return [
    terra,
    `${whole}${offset}`,
    `${whole}.${fraction.slice(0, 1)}${offset}`,
    `${whole}.${fraction.slice(0, 2)}${offset}`,
    `${whole}.${fraction.slice(0, 3)}${offset}`,
    `${whole}.${fraction.slice(0, 3)}${digits}${offset}`, // past milliseconds: rounded
    `${whole}.${fraction}${digits}${offset}`,
    utc,
    utc.replace("Z", "z"),
    utc.replace("T", " "),
    utc.replace(".", ","),
    `${whole}${offset.replace(":", "")}`,
    `${whole}${offset.slice(0, 3)}`,
    `${whole}`,
  ];
}

describe("reading text timestamps: the fast path gives the general reading's results", () => {
  it("every variant of many instants around the changes of summer time reads as the reference reads it", () => {
    // Each zone but Kolkata and UTC changes twice a year.
    for (const zone of ZONES) expect(CHANGES.get(zone)!.length, zone).toBe(zone === "Asia/Kolkata" || zone === "UTC" ? 0 : 8);
    const next = random(20261206);
    let compared = 0;
    for (const zone of ZONES) {
      for (const epochMs of instantsAround(zone, next)) {
        for (const text of textsOf(epochMs, oracleOffsetMinutes(zone, epochMs), next)) {
          expect(parseDateTime(text), text).toEqual(referenceParse(text));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });

  it("odd texts: leap seconds, 24:00, dates that roll over, two-digit years, offsets out of range, -00:00", () => {
    const odd = [
      "2024-02-29T12:00:00Z",
      "2023-02-29T12:00:00Z",
      "2023-04-31T12:00:00+02:00",
      "2023-02-30",
      "0050-03-01T00:00:00Z",
      "0000-02-29T00:00:00Z",
      "9999-12-31T23:59:59.999+00:00",
      "2024-06-30T23:59:60Z",
      "2024-06-30T24:00:00Z",
      "2024-06-30T24:00:01Z",
      "2024-06-30T23:60:00Z",
      "2024-13-01T00:00:00Z",
      "2024-00-01T00:00:00Z",
      "2024-01-00T00:00:00Z",
      "2024-01-01T00:00:00.0005Z",
      "2024-01-01T00:00:00.0015Z",
      "2024-01-01T00:00:00.9995Z",
      "2024-01-01T00:00:00.123456789Z",
      "2024-01-01T00:00:00.1234567891Z",
      "2024-01-01T00:00:00.Z",
      "2024-01-01T00:00:00+18:00",
      "2024-01-01T00:00:00+18:01",
      "2024-01-01T00:00:00-18:00",
      "2024-01-01T00:00:00+01:75",
      "2024-01-01T00:00:00-00:00",
      "2024-01-01T00:00:00+01:00:30",
      "2024-01-01T00:00:00+1:00",
      "2024-01-01T00:00:00+01:0a",
      "2024-01-01T0a:00:00Z",
      "2024-01-01t00:00:00Z",
      " 2024-01-01T00:00:00Z",
      "2024-01-01T00:00:00Z ",
      "2024-01-01T00:00:00 Z",
      "2024-01-01T00:00:00ZZ",
      "+2024-01-01T00:00:00Z",
      "2024/01/01T00:00:00Z",
    ];
    for (const text of odd) expect(parseDateTime(text), text).toEqual(referenceParse(text));
    // -00:00 is read as -0 by both; shown, it is +00:00.
    expect(Object.is(parseDateTime("2024-01-01T00:00:00-00:00")?.offsetSeconds, -0)).toBe(true);
  });

  it("the time rule's output, general and compiled, is the instant the text says shown at the zone's offset then, samples' seconds added", () => {
    const next = random(7);
    const time = { format: "datetime" as const, add: { path: "/add" }, timezone: { path: "/zone" } };
    const mapping = compileMapping({ template: { t: { path: "/t", time } } });
    let compared = 0;
    for (const zone of ZONES) {
      const instants = instantsAround(zone, next).filter(() => next() < 0.25);
      for (const epochMs of instants) {
        // The text as a FIT decoder writes it (UTC), or at another zone's offset; the sample's own seconds added.
        const text = next() < 0.5 ? terraTimestamp(epochMs, 0) : terraTimestamp(epochMs, oracleOffsetMinutes("America/St_Johns", epochMs));
        const add = Math.floor(next() * 4000);
        const reference = referenceParse(text)!;
        const instant = Math.round(reference.localAsUtcMs - reference.offsetSeconds! * 1000 + add * 1000);
        const expected = terraTimestamp(instant, oracleOffsetMinutes(zone, instant));
        expect(convertTime(text, "datetime", "datetime", add, undefined, zone), `${text} + ${add} s in ${zone}`).toBe(expected);
        const outcome = mapping.map({ t: text, add, zone });
        if (outcome instanceof Promise || outcome.kind !== "record") throw new Error(`expected a record for ${text}`);
        expect(outcome.record.t, `${text} + ${add} s in ${zone}, compiled`).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
