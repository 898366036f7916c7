import { getSchemaRegistry, isDataType, type DataType, type MappingSpec } from "@tributary/schemas";
import { recordKey, type RecordKey } from "../contracts/natural-key.ts";
import { isTributaryError } from "../errors/tributary-error.ts";
import { silentLogger } from "../log/logger.ts";
import { compileMapping, connectionBinding, type CompiledMapping } from "../mapping/index.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { MapContext, ProviderRecord } from "../spec/hooks.ts";

/** One provider record's way through a connector's mapping, as an author checks it. */
export type MappedRecord =
  | { kind: "record"; dataType: DataType; record: Record<string, unknown>; key: RecordKey }
  /** The mapping's `when` (or a map hook returning nothing) said this record is not delivered. */
  | { kind: "skip" }
  /** Mapping failed, or its output is not a valid Terra record with a natural key: it would be quarantined. */
  | { kind: "failed"; problems: string[]; partial?: unknown };

export interface RecordMapper {
  /** Maps one record with the mapping (or map hook) of that name into records of `dataType`. */
  map(mappingName: string, dataType: string, record: unknown): Promise<MappedRecord[]>;
}

export interface RecordMapperOptions {
  /** The Terra user the records are for: it keys day records and appears in `$connection`. @default "example-user" */
  userId?: string;
  /** The provider's id of that user (`$connection.provider_user_id`). */
  providerUserId?: string;
}

/**
 * What the runtime does with a provider record before delivery, for authors and tests: the connector's
 * declarative mapping (compiled once) or its map hook, then the Terra Standard schema of the data type
 * and the record's natural key — the record is deliverable only when all three hold.
 */
export function createRecordMapper(definition: ConnectorDefinition, options: RecordMapperOptions = {}): RecordMapper {
  const { spec, hooks } = definition;
  const userId = options.userId ?? "example-user";
  const compiled = new Map<string, CompiledMapping>();
  const connection = connectionBinding({ userId, provider: spec.name, providerUserId: options.providerUserId });

  const declarative = (name: string): CompiledMapping | undefined => {
    let found = compiled.get(name);
    const mapping: MappingSpec | undefined = spec.mappings?.[name];
    if (!found && mapping) compiled.set(name, (found = compileMapping(mapping, { name: `mappings.${name}` })));
    return found;
  };

  return {
    async map(mappingName, dataType, record) {
      if (!isDataType(dataType)) return [{ kind: "failed", problems: [`"${dataType}" is not a Terra data type`] }];
      const hook = hooks.map?.[mappingName];
      if (hook) {
        let produced: ReturnType<typeof hook>;
        try {
          produced = hook(record as ProviderRecord, hookContext(dataType));
        } catch (error) {
          return [{ kind: "failed", problems: [`map hook "${mappingName}" threw: ${describeError(error)}`] }];
        }
        const list = produced === null ? [] : Array.isArray(produced) ? produced : [produced];
        return list.length === 0 ? [{ kind: "skip" }] : list.map((out) => checked(dataType, out));
      }
      const mapping = declarative(mappingName);
      if (!mapping) return [{ kind: "failed", problems: [`no mapping or map hook named "${mappingName}"`] }];
      const outcome = await mapping.map(record, { connection });
      if (outcome.kind === "skip") return [{ kind: "skip" }];
      if (outcome.kind === "failed") return [{ kind: "failed", problems: outcome.issues.map((issue) => issue.message), partial: outcome.partial }];
      return [checked(dataType, outcome.record)];
    },
  };

  function checked(dataType: DataType, record: unknown): MappedRecord {
    const validation = getSchemaRegistry().validate(dataType, record);
    if (!validation.ok) return { kind: "failed", problems: validation.issues.map((issue) => issue.message), partial: record };
    const key = recordKey(dataType, userId, record);
    if (key.key === "unknown" || (dataType === "activity" && !hasSummaryId(record)))
      return { kind: "failed", problems: [naturalKeyMissing(dataType)], partial: record };
    return { kind: "record", dataType, record: record as Record<string, unknown>, key };
  }

  function hookContext(dataType: DataType): MapContext {
    return {
      connection: { userId, provider: spec.name, ...(options.providerUserId !== undefined ? { providerUserId: options.providerUserId } : {}) },
      dataType,
      options: Object.fromEntries(
        Object.entries(spec.options ?? {}).flatMap(([name, option]) => (option.default !== undefined ? [[name, option.default]] : [])),
      ),
      withSamples: true,
      log: silentLogger(),
    };
  }
}

/** An activity is keyed by its summary_id alone: two workouts may start in the same second (a sleep may fall back on its start). */
function hasSummaryId(record: unknown): boolean {
  const summaryId = (record as { metadata?: { summary_id?: unknown } }).metadata?.summary_id;
  return typeof summaryId === "string" && summaryId.trim() !== "";
}

function naturalKeyMissing(dataType: DataType): string {
  if (dataType === "activity") return "metadata.summary_id: empty — it is the natural key destinations upsert activities on; map the provider's activity id";
  if (dataType === "sleep")
    return "(record): no natural key — map metadata.summary_id (or at least metadata.start_time), which destinations upsert sleep records on";
  return "(record): no natural key — map metadata.start_time, whose date destinations upsert day records on";
}

const describeError = (error: unknown): string => (isTributaryError(error) || error instanceof Error ? error.message : String(error));
