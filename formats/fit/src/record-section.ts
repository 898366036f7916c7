import { Profile } from "@garmin/fitsdk";

/*
 * The record messages of an activity, written as one message definition and fixed-size data messages.
 * @garmin/fitsdk's Encoder builds and compares a new message definition for every message it writes, by
 * scanning the message's whole profile for each field, which does not suit the thousands of records of an
 * activity. Every record of one file has the same fields here, so the layout is derived once — field
 * numbers, base types, scales and offsets from the SDK's own Profile — and each record is a row of values.
 * Every other message of the file is the SDK's (fit-file.ts).
 */

/**
 * FIT base types used by record fields: the byte written in a field definition, size, invalid value and
 * the range of valid values. Signed values are stored through unsigned writes, which wrap them into their
 * two's complement bytes.
 */
const BASE_TYPES: Record<string, { id: number; size: 1 | 2 | 4; invalid: number; min: number; max: number }> = {
  uint8: { id: 0x02, size: 1, invalid: 0xff, min: 0, max: 0xfe },
  sint8: { id: 0x01, size: 1, invalid: 0x7f, min: -0x7f, max: 0x7e },
  uint16: { id: 0x84, size: 2, invalid: 0xffff, min: 0, max: 0xfffe },
  sint16: { id: 0x83, size: 2, invalid: 0x7fff, min: -0x7fff, max: 0x7ffe },
  uint32: { id: 0x86, size: 4, invalid: 0xffffffff, min: 0, max: 0xfffffffe },
  sint32: { id: 0x85, size: 4, invalid: 0x7fffffff, min: -0x7fffffff, max: 0x7ffffffe },
};

/** The record fields Tributary writes, in the order they appear in each record. */
export const RECORD_FIELDS = [
  "timestamp",
  "positionLat",
  "positionLong",
  "distance",
  "enhancedSpeed",
  "enhancedAltitude",
  "heartRate",
  "cadence",
  "fractionalCadence",
  "power",
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

interface Column {
  num: number;
  scale: number;
  offset: number;
  type: (typeof BASE_TYPES)[string];
}

const RECORD_MESG_NUM = Profile.MesgNum.RECORD!;
type FieldProfile = { name: string; num: number; baseType: string; scale: number | number[]; offset: number | number[] };
const recordFields = Object.values((Profile.messages[RECORD_MESG_NUM] as { fields: Record<string, FieldProfile> }).fields);
const COLUMNS = Object.fromEntries(
  RECORD_FIELDS.map((name) => {
    const field = recordFields.find((candidate) => candidate.name === name);
    const type = field ? BASE_TYPES[field.baseType] : undefined;
    if (!field || !type) throw new Error(`@garmin/fitsdk's profile has no usable record field "${name}"`);
    const scale = Array.isArray(field.scale) ? field.scale[0] : field.scale;
    const offset = Array.isArray(field.offset) ? field.offset[0] : field.offset;
    return [name, { num: field.num, scale: scale ?? 1, offset: offset ?? 0, type }];
  }),
) as Record<RecordField, Column>;

/** Record values by field, one entry per record: NaN where a record has no value for the field. */
export type RecordRows = { [F in RecordField]?: Float64Array } & { timestamp: Float64Array };

/**
 * Records `from` (inclusive) to `to` (exclusive) as FIT message bytes: a definition of local message
 * `local` holding the fields that have values, then one data message per record. Values are in profile
 * units (m, m/s, semicircles, FIT seconds); ones the field cannot hold are written as invalid (absent).
 */
export function encodeRecords(rows: RecordRows, from: number, to: number, local: number): Uint8Array {
  const present = RECORD_FIELDS.filter((name) => hasValue(rows[name], from, to));
  const columns = present.map((name) => COLUMNS[name]);
  const values = present.map((name) => rows[name]!);
  const recordSize = 1 + columns.reduce((sum, column) => sum + column.type.size, 0);
  const definitionSize = 6 + 3 * columns.length;
  const bytes = new Uint8Array(definitionSize + recordSize * (to - from));
  const view = new DataView(bytes.buffer);

  // Definition message: header (definition bit + local number), reserved, little endian, global number, fields.
  bytes[0] = 0x40 | local;
  bytes[2] = 0;
  view.setUint16(3, RECORD_MESG_NUM, true);
  bytes[5] = columns.length;
  columns.forEach((column, index) => {
    bytes[6 + 3 * index] = column.num;
    bytes[7 + 3 * index] = column.type.size;
    bytes[8 + 3 * index] = column.type.id;
  });

  // Column by column: each loop writes one field of every record (a stride of recordSize bytes apart).
  let offset = definitionSize + 1;
  for (let c = 0; c < columns.length; c++) {
    const { type, scale, offset: fieldOffset } = columns[c]!;
    const { invalid, min, max, size } = type;
    const column = values[c]!;
    let at = offset;
    for (let row = from; row < to; row++, at += recordSize) {
      const value = column[row]!;
      let raw = invalid;
      if (value === value) {
        const scaled = Math.round((value + fieldOffset) * scale);
        if (scaled >= min && scaled <= max) raw = scaled;
      }
      if (size === 1) bytes[at] = raw;
      else if (size === 2) view.setUint16(at, raw, true);
      else view.setUint32(at, raw, true);
    }
    offset += size;
  }
  for (let row = 0, at = definitionSize; row < to - from; row++, at += recordSize) bytes[at] = local;
  return bytes;
}

function hasValue(values: Float64Array | undefined, from: number, to: number): boolean {
  if (!values) return false;
  for (let i = from; i < to; i++) if (values[i] === values[i]) return true;
  return false;
}
