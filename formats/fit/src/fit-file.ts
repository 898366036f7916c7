import { CrcCalculator, Encoder, Profile, type Mesg } from "@garmin/fitsdk";

const HEADER_SIZE = 14;
const CRC_SIZE = 2;

/** One message for the SDK's encoder: its global number and its fields, named as the SDK's Profile names them. */
export interface FitMessage {
  mesgNum: number;
  fields: Record<string, unknown>;
}

/** The message bytes (no header, no CRC) of `messages` as @garmin/fitsdk encodes them, and its file header. */
export function sdkSection(messages: readonly FitMessage[]): { header: Uint8Array; body: Uint8Array } {
  const encoder = new Encoder();
  for (const message of messages) encoder.onMesg(message.mesgNum, storable(message) as Mesg);
  const file = encoder.close();
  return { header: file.subarray(0, HEADER_SIZE), body: file.subarray(HEADER_SIZE, file.length - CRC_SIZE) };
}

/**
 * One FIT file from message sections: the SDK's header with the data size of all sections, its header CRC,
 * the sections in order, then the file CRC. Every section starts by defining the local messages it uses,
 * so sections from different encoders follow each other safely.
 */
export function assembleFit(header: Uint8Array, sections: readonly Uint8Array[]): Uint8Array {
  const dataSize = sections.reduce((sum, section) => sum + section.length, 0);
  const file = new Uint8Array(HEADER_SIZE + dataSize + CRC_SIZE);
  file.set(header.subarray(0, HEADER_SIZE), 0);
  const view = new DataView(file.buffer);
  view.setUint32(4, dataSize, true);
  view.setUint16(12, CrcCalculator.calculateCRC(file, 0, 12), true);
  let at = HEADER_SIZE;
  for (const section of sections) {
    file.set(section, at);
    at += section.length;
  }
  view.setUint16(at, CrcCalculator.calculateCRC(file, 0, at), true);
  return file;
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

type FieldProfile = { name: string; baseType: string; scale: number | number[]; offset: number | number[] };
const fieldsByMessage = new Map<number, Map<string, FieldProfile>>();

function profileFields(mesgNum: number): Map<string, FieldProfile> {
  let fields = fieldsByMessage.get(mesgNum);
  if (!fields) {
    fields = new Map(Object.values(Profile.messages[mesgNum]?.fields ?? {}).map((field) => [field.name, field as FieldProfile]));
    fieldsByMessage.set(mesgNum, fields);
  }
  return fields;
}

/**
 * The fields as the SDK can store them: numbers rounded to the field's resolution, values the field's
 * type cannot hold left out (the SDK would wrap them around: 300 bpm in a uint8 becomes 44), strings cut
 * to FIT's 255-byte field size, undefined and null dropped.
 */
function storable({ mesgNum, fields }: FitMessage): Record<string, unknown> {
  const profile = profileFields(mesgNum);
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    const field = profile.get(name);
    if (!field) continue;
    if (typeof value === "string") {
      kept[name] = field.baseType === "string" ? fitString(value) : value;
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
