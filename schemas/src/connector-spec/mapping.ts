import { Type } from "@sinclair/typebox";
import { connectorSpecPartId } from "./define.ts";

/*
 * A mapping turns one provider record into one Terra Standard record. It is a template shaped like the
 * output: plain objects nest, literals are constants, and an object with one of the rule keys (`path`,
 * `var`, `expr`, `value`, `each`, `zip`) computes a value. Rules are compiled once, when the connector
 * loads, into plain functions; `expr` is a JSONata expression, evaluated in a sandbox with bounded time
 * and depth (no I/O, no regular expressions in partner specs).
 *
 *   metadata:
 *     summary_id: { path: /id, type: string, required: true }
 *     type: { path: /fitness_discipline, enum: { map: { cycling: 1, running: 8 }, default: 0 } }
 *     start_time: { path: /start_time, time: { format: unix_seconds, timezone: { path: /timezone } } }
 *   distance_data:
 *     summary:
 *       distance_meters: { var: distance, convert: { from: { var: distance_unit }, to: m } }
 *   heart_rate_data:
 *     detailed:
 *       hr_samples:
 *         zip: { offset: { path: /performance_graph/seconds_since_pedaling_start }, bpm: { var: hr_values } }
 *         item:
 *           timestamp: { var: start, time: { format: unix_seconds, add: { path: /offset } } }
 *           bpm: { path: /bpm }
 *         require: [bpm]
 *   position_data:
 *     position_samples:
 *       each: { path: /samples }
 *       item: { coords_lat_lng_deg: [{ path: /lat }, { path: /lng }] }   # an array is a tuple: present when every item is
 */

/** The TypeScript shape of a template node (the JSON Schema below is the validator of record). */
export type MappingNode = null | boolean | number | string | ValueRule | EachRule | ZipRule | MappingNode[] | { [field: string]: MappingNode };

/** Where a value comes from: exactly one of path / var / expr / value. */
export interface ValueSource {
  /** JSON pointer into the current scope: the record, or the element inside `each`/`zip`. */
  path?: string;
  /** With `path`: read from the whole record instead of the current element. */
  from?: "record" | "scope";
  /** A name from the mapping's `let`, or `index` (position inside `each`/`zip`). */
  var?: string;
  /** JSONata over the current scope; `$record`, `$connection` and every `let` name are bound. */
  expr?: string;
  /** A constant (also useful for objects and arrays that would otherwise read as templates). */
  value?: unknown;
}

export type ValueInput = ValueSource | string | number | boolean | null;

export interface ValueRule extends ValueSource {
  /**
   * Coerce: provider numbers sent as text ("250.0") become numbers, and so on. `timezone`: a zone name
   * the runtime knows, else absent (noted and logged once, the record still delivered).
   */
  type?: "number" | "integer" | "string" | "boolean" | "timezone";
  /** Multiply (after `type`). */
  scale?: number;
  /** Add (after `scale`). */
  add?: number;
  /** Digits after the decimal point to keep. */
  round?: number;
  /** Unit conversion; `from` may come from the data (Peloton sends "mi" or "km"). */
  convert?: { from: ValueInput; to: string };
  /** Provider code → Terra value. */
  enum?: { map: Record<string, unknown>; default?: unknown; caseInsensitive?: boolean };
  /** Read a time in `format` and write ISO-8601 with the right offset. */
  time?: {
    format: "date" | "datetime" | "datetime_local" | "unix_seconds" | "unix_ms";
    /**
     * Calendar days to move the local date by, keeping the wall-clock time as written (1: the end of a
     * local day). The moved time is read at `offset`, else in `timezone` (a day across a daylight-saving
     * change is 23 or 25 hours), else at the text's own offset.
     */
    days?: number;
    /** Seconds to add (sample offsets from a start time). */
    add?: ValueInput;
    /** Offset from UTC of the local time: seconds east, or "+02:00". */
    offset?: ValueInput;
    /** IANA zone of the local time (used when no offset is given). */
    timezone?: ValueInput;
    /** @default "datetime" */
    output?: "datetime" | "date";
  };
  /** Used when the value is absent or null. */
  default?: unknown;
  /** The record cannot be mapped without it: it is quarantined, naming this field. */
  required?: boolean;
}

export interface EachRule {
  each: ValueSource;
  item: MappingNode;
  /** Drop elements whose output lacks (null/absent) any of these fields. */
  require?: string[];
  /** Iterate an object's entries as `{ key, value }` instead of an array. */
  entries?: boolean;
}

export interface ZipRule {
  /** Parallel arrays, named; the element scope is `{ <name>: array[i], … }`, as long as the shortest. */
  zip: Record<string, ValueSource>;
  item: MappingNode;
  require?: string[];
}

export interface MappingSpec {
  /** Skip a record (no output, no quarantine) when this expression is false. */
  when?: string;
  /** Values computed once per record, read with `{ var: name }` and `$name` in expressions. */
  let?: Record<string, ValueRule>;
  /** The Terra Standard record. */
  template: { [field: string]: MappingNode };
  /** Example provider records with the records they must map to (checked by `connector test`). */
  examples?: Array<{ input: unknown; output?: unknown }>;
  /**
   * The record is one part of a record other provider records share (Garmin's day: its summary, its
   * 15-minute epochs, its user metrics): each part is kept per user and natural key, and what is
   * delivered is every part of that key merged, so a later part never overwrites the others.
   */
  merge?: MergeSpec;
}

export interface MergeSpec {
  /** Pointer to the provider record's part id (`/summaryId`); a newer part with the same id replaces it. @default the mapping's name: one part per key */
  part?: string;
  /** Where parts disagree on a value (or two mappings' parts give one list of samples), the higher precedence wins, then the newer part. @default 0 */
  precedence?: number;
}

const id = connectorSpecPartId("mapping");
const ref = (def: string) => ({ $ref: `${id}#/$defs/${def}` });

const sourceKeys = {
  path: { type: "string", pattern: "^(/.*)?$", expected: 'a JSON pointer such as "/id" ("" for the whole scope)' },
  from: { enum: ["record", "scope"] },
  var: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$", expected: 'the name of a `let` value (letters, digits and "_") or "index"' },
  expr: { type: "string", minLength: 1, maxLength: 2000 },
  value: {},
};
/** "Has this key", written so Ajv's strict mode sees the key declared beside `required`. */
const scalar = { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }] };
const has = (key: string) => ({ properties: { [key]: true }, required: [key] });
const exactlyOneSource = { oneOf: ["path", "var", "expr", "value"].map(has) };

/** The mapping part of the connector meta-schema (recursive, hence written as JSON Schema directly). */
export const MappingSpecSchema = Type.Unsafe<MappingSpec>({
  $id: id,
  title: "ConnectorMapping",
  type: "object",
  additionalProperties: false,
  required: ["template"],
  properties: {
    when: { type: "string", minLength: 1, maxLength: 2000 },
    let: {
      type: "object",
      additionalProperties: ref("valueRule"),
      propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$", expected: 'a name of letters, digits and "_"' },
    },
    template: ref("object"),
    examples: {
      type: "array",
      items: { type: "object", additionalProperties: false, required: ["input"], properties: { input: {}, output: {} } },
    },
    merge: {
      type: "object",
      additionalProperties: false,
      properties: {
        part: { type: "string", pattern: "^/.+$", expected: 'a JSON pointer to the part\'s id in the provider record, such as "/summaryId"' },
        precedence: { type: "integer", minimum: -100, maximum: 100 },
      },
    },
  },
  $defs: {
    source: { type: "object", additionalProperties: false, properties: sourceKeys, ...exactlyOneSource },
    input: { anyOf: [ref("source"), scalar] },
    valueRule: {
      type: "object",
      additionalProperties: false,
      ...exactlyOneSource,
      properties: {
        ...sourceKeys,
        type: { enum: ["number", "integer", "string", "boolean", "timezone"] },
        scale: { type: "number" },
        add: { type: "number" },
        round: { type: "integer", minimum: 0, maximum: 12 },
        convert: { type: "object", additionalProperties: false, required: ["from", "to"], properties: { from: ref("input"), to: { type: "string" } } },
        enum: {
          type: "object",
          additionalProperties: false,
          required: ["map"],
          properties: { map: { type: "object" }, default: {}, caseInsensitive: { type: "boolean" } },
        },
        time: {
          type: "object",
          additionalProperties: false,
          required: ["format"],
          properties: {
            format: { enum: ["date", "datetime", "datetime_local", "unix_seconds", "unix_ms"] },
            days: { type: "integer", minimum: -366, maximum: 366 },
            add: ref("input"),
            offset: ref("input"),
            timezone: ref("input"),
            output: { enum: ["datetime", "date"] },
          },
        },
        default: {},
        required: { type: "boolean" },
      },
    },
    each: {
      type: "object",
      additionalProperties: false,
      required: ["each", "item"],
      properties: {
        each: ref("source"),
        item: ref("node"),
        require: { type: "array", items: { type: "string" } },
        entries: { type: "boolean" },
      },
    },
    zip: {
      type: "object",
      additionalProperties: false,
      required: ["zip", "item"],
      properties: {
        zip: { type: "object", minProperties: 1, additionalProperties: ref("source") },
        item: ref("node"),
        require: { type: "array", items: { type: "string" } },
      },
    },
    object: {
      type: "object",
      additionalProperties: ref("node"),
    },
    node: {
      if: { type: "object", ...has("each") },
      then: ref("each"),
      else: {
        if: { type: "object", ...has("zip") },
        then: ref("zip"),
        else: {
          if: { type: "object", anyOf: ["path", "var", "expr", "value"].map(has) },
          then: ref("valueRule"),
          else: {
            if: { type: "array" },
            then: { type: "array", items: ref("node") },
            else: { if: { type: "object" }, then: ref("object"), else: scalar },
          },
        },
      },
    },
  },
});
