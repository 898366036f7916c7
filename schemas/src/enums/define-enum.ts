import { Type, type TUnsafe } from "@sinclair/typebox";
import { enumSchemaId } from "../ids.ts";
import { kebabCase } from "../kebab-case.ts";
import { JSON_SCHEMA_DIALECT } from "../version.ts";

type Code = number | string;
type Entry<C extends Code> = readonly [code: C, name: string];

type CodeOf<E extends readonly Entry<Code>[]> = E[number][0];
type NameOf<E extends readonly Entry<Code>[]> = E[number][1];
type NameForCode<E extends readonly Entry<Code>[], C> = Extract<E[number], readonly [C, string]>[1];
type CodeForName<E extends readonly Entry<Code>[], N> = Extract<E[number], readonly [Code, N]>[0];

/**
 * One enum, defined once as a `{ code, name }` table. The wire value is `code`; `name` is Terra's label.
 * The JSON schema, the TS literal union and the lookups all derive from that table.
 */
export interface EnumTable<E extends readonly Entry<Code>[]> {
  /** Terra's name for the enum, e.g. "ActivityType"; also the schema `title`. */
  readonly title: string;
  readonly kind: "integer" | "string";
  readonly entries: ReadonlyArray<{ readonly code: CodeOf<E>; readonly name: NameOf<E> }>;
  readonly codes: ReadonlyArray<CodeOf<E>>;
  readonly schema: TUnsafe<CodeOf<E>>;
  /** Label for a code: `UploadType.name(1) === 'Automatic'`. */
  name<C extends CodeOf<E>>(code: C): NameForCode<E, C>;
  name(code: Code): NameOf<E> | undefined;
  /**
   * Code for a label: `ActivityType.code('Running') === 8`. Runtime strings are also matched
   * ignoring case, spaces and punctuation, so SDK-style names such as `THIRD_PARTY_UPLOAD` resolve too.
   */
  code<N extends NameOf<E>>(name: N): CodeForName<E, N>;
  code(name: string): CodeOf<E> | undefined;
  has(value: unknown): value is CodeOf<E>;
  /** "8 Running" style rendering used in error messages and schema descriptions. */
  describe(code: Code): string;
}

/** Integer code of an enum table, e.g. `EnumCode<typeof UploadType>` is `0 | 1 | ... | 6`. */
export type EnumCode<T> = T extends EnumTable<infer E> ? CodeOf<E> : never;
export type EnumName<T> = T extends EnumTable<infer E> ? NameOf<E> : never;

export type AnyEnumTable = EnumTable<readonly Entry<Code>[]>;

export interface EnumOptions {
  /** File name of the schema id; defaults to the kebab-cased title. */
  readonly slug?: string;
}

const normalise = (label: string): string => label.toLowerCase().replace(/[^a-z0-9]/g, "");

function defineEnum<const E extends readonly Entry<Code>[]>(kind: "integer" | "string", title: string, table: E, slug: string): EnumTable<E> {
  const entries = table.map(([code, name]) => Object.freeze({ code, name }));
  const byCode = new Map<Code, string>();
  const byName = new Map<string, Code>();
  const byNormalisedName = new Map<string, Code>();
  for (const { code, name } of entries) {
    if (byCode.has(code)) throw new Error(`${title}: duplicate code ${String(code)}`);
    if (byNormalisedName.has(normalise(name))) throw new Error(`${title}: ambiguous name "${name}"`);
    byCode.set(code, name);
    byName.set(name, code);
    byNormalisedName.set(normalise(name), code);
  }
  const codes = entries.map((e) => e.code);
  const describe = (code: Code): string => `${String(code)} ${byCode.get(code) ?? "?"}`;
  const schema = Type.Unsafe<CodeOf<E>>({
    $schema: JSON_SCHEMA_DIALECT,
    $id: enumSchemaId(slug),
    title,
    description: `${title}: ${codes.map(describe).join(", ")}`,
    type: kind,
    enum: codes,
  });

  const enumTable = {
    title,
    kind,
    entries: Object.freeze(entries),
    codes: Object.freeze(codes),
    schema,
    name: (code: Code) => byCode.get(code),
    code: (name: string) => byName.get(name) ?? byNormalisedName.get(normalise(name)),
    has: (value: unknown) => (typeof value === "number" || typeof value === "string") && byCode.has(value),
    describe,
  };
  return Object.freeze(enumTable) as unknown as EnumTable<E>;
}

/** Terra enums are integers on the wire. */
export function defineIntEnum<const E extends readonly Entry<number>[]>(title: string, table: E, options: EnumOptions = {}): EnumTable<E> {
  return defineEnum("integer", title, table, options.slug ?? kebabCase(title));
}

/** The few enums Terra sends as strings (DeviceDataType, StrokeType, ...). */
export function defineStringEnum<const E extends readonly Entry<string>[]>(title: string, table: E, options: EnumOptions = {}): EnumTable<E> {
  return defineEnum("string", title, table, options.slug ?? kebabCase(title));
}
