import { ObjectId } from "bson";

export type Doc = Record<string, unknown>;

const bsonTypeOf = (v: unknown): string | undefined =>
  typeof v === "object" && v !== null && "_bsontype" in v ? String((v as { _bsontype: unknown })._bsontype) : undefined;

/** A plain embedded document (not an array, date, regex or BSON wrapper class). */
export function isDocument(v: unknown): v is Doc {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    !(v instanceof Uint8Array) &&
    bsonTypeOf(v) === undefined
  );
}

/** MongoDB's cross-type sort order: MinKey < null < numbers < strings < objects < arrays < … < MaxKey. */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case "number":
    case "bigint":
      return 3;
    case "string":
      return 4;
    case "boolean":
      return 9;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  switch (bsonTypeOf(v)) {
    case undefined:
      return 5;
    case "MinKey":
      return 1;
    case "Long":
    case "Int32":
    case "Double":
    case "Decimal128":
      return 3;
    case "BSONSymbol":
      return 4;
    case "Binary":
      return 7;
    case "ObjectId":
      return 8;
    case "Timestamp":
      return 11;
    case "MaxKey":
      return 13;
    default:
      return 12;
  }
}

export function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const wrapped = v as { toNumber?: () => number; value?: unknown; toString(): string };
  if (typeof wrapped.toNumber === "function") return wrapped.toNumber();
  if (typeof wrapped.value === "number") return wrapped.value;
  return Number(wrapped.toString());
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const utf8Compare = (a: string, b: string) => sign(Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));

/** Total order over BSON values, as mongod sorts and compares them; 0 means equal. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return sign(ra - rb);
  switch (ra) {
    case 3: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
      return sign(x - y);
    }
    case 4:
      return utf8Compare(String((a as { value?: string }).value ?? a), String((b as { value?: string }).value ?? b));
    case 5:
      return compareDocuments(a as Doc, b as Doc);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    case 7: {
      const x = binaryBytes(a);
      const y = binaryBytes(b);
      if (x.length !== y.length) return sign(x.length - y.length);
      const subtypes = sign((a as { sub_type: number }).sub_type - (b as { sub_type: number }).sub_type);
      return subtypes !== 0 ? subtypes : sign(Buffer.compare(x, y));
    }
    case 8:
      return sign(Buffer.compare(Buffer.from((a as ObjectId).id), Buffer.from((b as ObjectId).id)));
    case 9:
      return sign(Number(a) - Number(b));
    case 10:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case 11: {
      const x = a as { t: number; i: number };
      const y = b as { t: number; i: number };
      return x.t !== y.t ? sign(x.t - y.t) : sign(x.i - y.i);
    }
    case 12:
      return utf8Compare(String(a), String(b));
    default:
      return 0;
  }
}

// Embedded documents compare field by field: value type first, then field name, then value (order matters).
function compareDocuments(a: Doc, b: Doc): number {
  const x = Object.entries(a);
  const y = Object.entries(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [ka, va] = x[i]!;
    const [kb, vb] = y[i]!;
    const byType = sign(typeRank(va) - typeRank(vb));
    if (byType !== 0) return byType;
    const byName = utf8Compare(ka, kb);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return sign(x.length - y.length);
}

function binaryBytes(v: unknown): Buffer {
  const b = v as { buffer: Uint8Array; position: number };
  return Buffer.from(b.buffer.subarray(0, b.position));
}

export const valuesEqual = (a: unknown, b: unknown) => compareValues(a, b) === 0;

/**
 * A string that is equal for exactly the values mongod treats as equal (1, 1.0 and Long(1) alike): the
 * key of the unique-index maps.
 */
export function canonicalKey(v: unknown): string {
  switch (typeRank(v)) {
    case 2:
      return "null";
    case 3:
      return `n:${toNumber(v)}`;
    case 4:
      return `s:${JSON.stringify(String((v as { value?: string }).value ?? v))}`;
    case 5:
      return `{${Object.entries(v as Doc)
        .map(([k, x]) => `${JSON.stringify(k)}:${canonicalKey(x)}`)
        .join(",")}}`;
    case 6:
      return `[${(v as unknown[]).map(canonicalKey).join(",")}]`;
    case 7:
      return `x:${(v as { sub_type: number }).sub_type}:${binaryBytes(v).toString("hex")}`;
    case 8:
      return `o:${(v as ObjectId).toHexString()}`;
    case 9:
      return `b:${String(v)}`;
    case 10:
      return `d:${(v as Date).getTime()}`;
    case 11:
      return `t:${(v as { t: number }).t}:${(v as { i: number }).i}`;
    default:
      return `${typeRank(v)}:${String(v)}`;
  }
}

/** Copy plain documents, arrays and dates; BSON wrapper values are immutable in practice and shared. */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isDocument(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepClone(x);
    return out as T;
  }
  return v;
}

/** Short, readable rendering of a value for error messages (mongod prints `{ _id: … }`). */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isDocument(v)) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${describeValue(x)}`)
      .join(", ")} }`;
  }
  if (Array.isArray(v)) return `[ ${v.map(describeValue).join(", ")} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  return String(v);
}
