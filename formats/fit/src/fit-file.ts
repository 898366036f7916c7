import { Encoder, Profile, type Mesg } from "@garmin/fitsdk";
import { fitCrc } from "./fit-crc.ts";

const HEADER_SIZE = 14;
const HEADER_CRC_AT = 12;
const CRC_SIZE = 2;

/** One message for the SDK's encoder: its global number and its fields, named as the SDK's Profile names them. */
export interface FitMessage {
  mesgNum: number;
  fields: Record<string, unknown>;
}

/**
 * A stretch of a FIT file: messages for the SDK's encoder, or message bytes written outside it that start
 * by defining the only local message they use, OWN_LOCAL_MESSAGE.
 */
export type FitSection = readonly FitMessage[] | Uint8Array;

/** The local message number of bytes written outside the SDK: the last one, which the SDK assigns last. */
export const OWN_LOCAL_MESSAGE = 15;

/**
 * One FIT file from sections in file order. Every message of every message section goes through one
 * @garmin/fitsdk Encoder, so the SDK defines each kind of message once for the whole file (a new encoder
 * per section would pay its set-up again each time); its output is then cut at the section boundaries and
 * the byte sections go in between. Where a byte section redefined a local message the SDK uses again
 * later, the SDK's definition is repeated before that message. Header and CRCs follow the new size.
 */
export function writeFit(sections: readonly FitSection[]): Uint8Array {
  const encoder = new Encoder();
  for (const section of sections)
    if (!(section instanceof Uint8Array)) for (const message of section) encoder.onMesg(message.mesgNum, storable(message) as Mesg);
  const sdk = encoder.close();
  const reader = new SdkMessages(sdk, HEADER_SIZE, sdk.length - CRC_SIZE);
  const chunks: Uint8Array[] = [];
  for (const section of sections) {
    if (section instanceof Uint8Array) {
      chunks.push(section);
      reader.redefined(OWN_LOCAL_MESSAGE);
    } else reader.take(section.length, chunks);
  }
  reader.end();

  const dataSize = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const file = new Uint8Array(HEADER_SIZE + dataSize + CRC_SIZE);
  file.set(sdk.subarray(0, HEADER_SIZE), 0);
  const view = new DataView(file.buffer);
  view.setUint32(4, dataSize, true);
  view.setUint16(HEADER_CRC_AT, fitCrc(file, 0, HEADER_CRC_AT), true);
  let at = HEADER_SIZE;
  for (const chunk of chunks) {
    file.set(chunk, at);
    at += chunk.length;
  }
  view.setUint16(at, fitCrc(file, 0, at), true);
  return file;
}

const DEFINITION_BIT = 0x40;
const DEVELOPER_DATA_BIT = 0x20;
const COMPRESSED_TIMESTAMP_BIT = 0x80;
const LOCAL_MESSAGE_MASK = 0x0f;

/** The SDK's message bytes read in order, message by message (normal headers: the SDK writes no other). */
class SdkMessages {
  readonly #bytes: Uint8Array;
  readonly #end: number;
  #at: number;
  readonly #definitions: Array<Uint8Array | undefined> = [];
  readonly #dataSizes: number[] = [];
  readonly #stale: boolean[] = [];

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.#bytes = bytes;
    this.#at = start;
    this.#end = end;
  }

  /** Bytes written outside the SDK defined `local`: the SDK's definition of it is no longer in effect. */
  redefined(local: number): void {
    this.#stale[local] = true;
  }

  /** Appends the next `count` data messages to `chunks`, with the definitions they need. */
  take(count: number, chunks: Uint8Array[]): void {
    const bytes = this.#bytes;
    let from = this.#at;
    for (let taken = 0; taken < count; ) {
      const at = this.#at;
      if (at >= this.#end) throw new Error(`@garmin/fitsdk wrote fewer messages than it was given (${taken} of ${count} in a section)`);
      const header = bytes[at]!;
      if (header & COMPRESSED_TIMESTAMP_BIT) throw new Error(`@garmin/fitsdk wrote a compressed timestamp header at byte ${at}`);
      const local = header & LOCAL_MESSAGE_MASK;
      if (header & DEFINITION_BIT) {
        const size = this.#define(local, at, header);
        this.#at += size;
        continue;
      }
      const definition = this.#definitions[local];
      if (!definition) throw new Error(`@garmin/fitsdk wrote a data message of undefined local message ${local}`);
      if (this.#stale[local]) {
        if (at > from) chunks.push(bytes.subarray(from, at));
        chunks.push(definition);
        this.#stale[local] = false;
        from = at;
      }
      this.#at += 1 + this.#dataSizes[local]!;
      taken++;
    }
    if (this.#at > from) chunks.push(bytes.subarray(from, this.#at));
  }

  /** Checks that every message the SDK wrote was taken. */
  end(): void {
    if (this.#at !== this.#end) throw new Error(`@garmin/fitsdk wrote ${this.#end - this.#at} bytes more than the messages it was given`);
  }

  #define(local: number, at: number, header: number): number {
    const bytes = this.#bytes;
    const fields = bytes[at + 5]!;
    let size = 6 + 3 * fields;
    let dataSize = 0;
    for (let f = 0; f < fields; f++) dataSize += bytes[at + 7 + 3 * f]!;
    if (header & DEVELOPER_DATA_BIT) {
      const developerFields = bytes[at + size]!;
      for (let f = 0; f < developerFields; f++) dataSize += bytes[at + size + 2 + 3 * f]!;
      size += 1 + 3 * developerFields;
    }
    this.#definitions[local] = bytes.subarray(at, at + size);
    this.#dataSizes[local] = dataSize;
    this.#stale[local] = false;
    return size;
  }
}

const RANGES: Record<string, [min: number, max: number]> = {
  uint8: [0, 0xfe],
  uint8z: [1, 0xff],
  sint8: [-0x7f, 0x7e],
  uint16: [0, 0xfffe],
  uint16z: [1, 0xffff],
  sint16: [-0x7fff, 0x7ffe],
  uint32: [0, 0xfffffffe],
  uint32z: [1, 0xffffffff],
  sint32: [-0x7fffffff, 0x7ffffffe],
};
const MAX_STRING_BYTES = 254;

type FieldProfile = { name: string; type: string; baseType: string; scale: number | number[]; offset: number | number[] };
const fieldsByMessage = new Map<number, Map<string, FieldProfile>>();

function profileFields(mesgNum: number): Map<string, FieldProfile> {
  let fields = fieldsByMessage.get(mesgNum);
  if (!fields) {
    fields = new Map(Object.values(Profile.messages[mesgNum]?.fields ?? {}).map((field) => [field.name, field as FieldProfile]));
    fieldsByMessage.set(mesgNum, fields);
  }
  return fields;
}

const valuesByType = new Map<string, Map<string, number>>();

/**
 * The number of a value of a FIT type ("cycling" of sport), from the SDK's Profile. The SDK's encoder looks
 * a named value up by scanning every value of its type, each time it writes one; a number it writes as is.
 */
function typeValue(type: string, name: string): number | undefined {
  let values = valuesByType.get(type);
  if (!values) {
    values = new Map();
    for (const [number, value] of Object.entries((Profile.types as Record<string, Record<string, unknown>>)[type] ?? {})) {
      if (typeof value === "string" && !values.has(value)) values.set(value, Number(number));
    }
    valuesByType.set(type, values);
  }
  return values.get(name);
}

/**
 * The fields as the SDK can store them: numbers rounded to the field's resolution, values the field's
 * type cannot hold left out (the SDK would wrap them around: 300 bpm in a uint8 becomes 44), named values
 * of FIT types as their numbers, strings cut to FIT's 255-byte field size, undefined and null dropped.
 */
function storable({ mesgNum, fields }: FitMessage): Record<string, unknown> {
  const profile = profileFields(mesgNum);
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    const field = profile.get(name);
    if (!field) continue;
    if (typeof value === "string") {
      // A name the type does not have stays a name, for the SDK to refuse.
      kept[name] = field.baseType === "string" ? fitString(value) : (typeValue(field.type, value) ?? value);
      continue;
    }
    const range = RANGES[field.baseType];
    if (!range) {
      kept[name] = value;
      continue;
    }
    const scale = (Array.isArray(field.scale) ? field.scale[0] : field.scale) ?? 1;
    const offset = (Array.isArray(field.offset) ? field.offset[0] : field.offset) ?? 0;
    const fit = (v: unknown): number | undefined => {
      if (typeof v !== "number" || !Number.isFinite(v)) return undefined;
      const raw = Math.round((v + offset) * scale);
      return raw >= range[0] && raw <= range[1] ? raw / scale - offset : undefined;
    };
    if (Array.isArray(value)) {
      const values = value.map(fit);
      if (values.every((v) => v !== undefined)) kept[name] = values;
    } else {
      const stored = fit(value);
      if (stored !== undefined) kept[name] = stored;
    }
  }
  return kept;
}

function fitString(value: string): string {
  if (Buffer.byteLength(value) <= MAX_STRING_BYTES) return value;
  let cut = value.slice(0, MAX_STRING_BYTES);
  while (Buffer.byteLength(cut) > MAX_STRING_BYTES) cut = cut.slice(0, -1);
  return cut;
}
