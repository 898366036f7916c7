import type { DataType, MergeSpec } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { operatorMessage, UserError } from "../errors/tributary-error.ts";
import { compileMapping, connectionBinding, type CompiledMapping } from "../mapping/index.ts";
import { addMapped, rejectFailedMap, type Normalized, type RecordPart } from "../runtime/normalize.ts";
import { compilePointer } from "../spec/pointer.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { MapContext, ProviderRecord, TransformContext, TransformHook } from "../spec/hooks.ts";
import type { ConnectorMapContext } from "./runtime-connector.ts";

/** Distinct notes remembered as logged; past it they are forgotten (and may be logged again). */
const MAX_NOTED = 1000;

export type RecordNormalizer = (dataType: DataType, records: Iterable<ProviderRecord>, ctx: ConnectorMapContext, mappingName?: string) => Promise<Normalized>;

/**
 * The connector's mappings, compiled once when it loads (a mistake fails the load, not the first
 * record), and the function that maps records with them: the stream's transform hook first, when the
 * records are a stream's (pulled, or fetched by its object request), then the map hook of that name,
 * else the declarative mapping. A mapping's `when` (or a hook returning null / []) skips a record; a
 * failure is rejected with its raw record for quarantine; every output is validated against its data
 * type's schema.
 */
export function createRecordNormalizer(definition: ConnectorDefinition): RecordNormalizer {
  const { spec, hooks } = definition;
  const compiled = new Map<string, CompiledMapping>();
  for (const [name, mapping] of Object.entries(spec.mappings ?? {})) {
    if (!hooks.map?.[name]) compiled.set(name, compileMapping(mapping, { name: `${spec.name} mappings.${name}` }));
  }
  // A mapping's notes (a member's zone this runtime does not know, left out) repeat with every record of
  // that member: each is logged once per process, not once per record.
  const noted = new Set<string>();
  const declaredOptions = Object.fromEntries(
    Object.entries(spec.options ?? {}).flatMap(([name, option]) => (option.default !== undefined ? [[name, option.default]] : [])),
  );

  return async (dataType, records, ctx, mappingName = dataType) => {
    const into: Normalized = { valid: [], rejected: [] };
    const hook = hooks.map?.[mappingName];
    const mapping = compiled.get(mappingName);
    if (!hook && !mapping) {
      throw new UserError(ErrorCodes.PLUGIN_INVALID, `${spec.name} has no mapping or map hook named "${mappingName}" for its ${dataType} records`, {
        hint: `Add mappings.${mappingName} to the connector spec (or a map hook of that name).`,
        plugin: spec.name,
      });
    }
    const connection = ctx.connection;
    const transform = ctx.stream !== undefined ? hooks.transform?.[ctx.stream] : undefined;
    if (transform)
      records = await transformed(transform, records, into, {
        connection,
        dataType,
        options: { ...declaredOptions, ...stringOptions(ctx.options) },
        withSamples: ctx.withSamples,
        log: ctx.log,
        stream: ctx.stream!,
      });
    if (hook) {
      const hookCtx: MapContext = {
        connection,
        dataType,
        options: { ...declaredOptions, ...stringOptions(ctx.options) },
        withSamples: ctx.withSamples,
        log: ctx.log,
        ...(ctx.stream !== undefined ? { stream: ctx.stream } : {}),
      };
      for (const raw of records) {
        let mapped: StandardRecord | StandardRecord[] | null;
        try {
          mapped = hook(raw, hookCtx);
        } catch (error) {
          rejectFailedMap(into, raw, error);
          continue;
        }
        addMapped(into, dataType, raw, mapped);
      }
      return into;
    }
    const merge = spec.mappings?.[mappingName]?.merge;
    const partOf = merge ? recordPartOf(mappingName, merge) : undefined;
    const mappingCtx = { connection: connectionBinding(connection) };
    for (const raw of records) {
      let outcome;
      try {
        outcome = await mapping!.map(raw, mappingCtx);
      } catch (error) {
        rejectFailedMap(into, raw, error);
        continue;
      }
      if (outcome.kind === "skip") continue;
      if (outcome.kind === "failed") {
        into.rejected.push({ record: null, raw, issues: outcome.issues });
        continue;
      }
      for (const { path, message } of outcome.notes ?? []) {
        if (noted.has(message)) continue;
        if (noted.size >= MAX_NOTED) noted.clear();
        noted.add(message);
        ctx.log.warn({ provider: spec.name, mapping: mappingName, field: path }, `${spec.name} mappings.${mappingName}: ${message}`);
      }
      const part = partOf?.(raw);
      if (part === null) {
        into.rejected.push({
          record: null,
          raw,
          issues: [{ path: merge!.part!, rule: "merge", message: `mappings.${mappingName}.merge: no part id at ${merge!.part}` }],
        });
        continue;
      }
      const before = into.valid.length;
      addMapped(into, dataType, raw, outcome.record as StandardRecord);
      if (part !== undefined) for (const record of into.valid.slice(before)) (into.parts ??= new Map()).set(record, part);
    }
    return into;
  };
}

/**
 * A `merge` mapping's part of each record: its id is the mapping's name, with the provider record's part
 * id when `merge.part` points at one (null: the record has none).
 */
function recordPartOf(mappingName: string, merge: MergeSpec): (raw: ProviderRecord) => RecordPart | null {
  const precedence = merge.precedence ?? 0;
  if (merge.part === undefined) return () => ({ id: mappingName, precedence });
  const read = compilePointer(merge.part);
  return (raw) => {
    const id = read(raw);
    if ((typeof id !== "string" || id === "") && !(typeof id === "number" && Number.isFinite(id))) return null;
    return { id: `${mappingName}:${id}`, precedence };
  };
}

/** Records through a stream's transform hook; one the hook throws on is rejected, as received, with the reason. */
async function transformed(transform: TransformHook, records: Iterable<ProviderRecord>, into: Normalized, ctx: TransformContext): Promise<ProviderRecord[]> {
  const out: ProviderRecord[] = [];
  for (const record of records) {
    try {
      out.push(await transform(record, ctx));
    } catch (error) {
      into.rejected.push({
        record: null,
        raw: record,
        issues: [{ path: "", rule: "transform", message: `transform hook "${ctx.stream}" failed: ${operatorMessage(error)}` }],
      });
    }
  }
  return out;
}

function stringOptions(options: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(options ?? {})) if (value !== undefined && value !== null) out[name] = String(value);
  return out;
}
