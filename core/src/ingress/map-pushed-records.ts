import { getSchemaRegistry, modelSchemaId, type DataType, type MappingSpec } from "@tributary/schemas";
import type { StandardRecord } from "../contracts/data-types.ts";
import { operatorMessage } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import { compileMapping, type CompiledMapping } from "../mapping/index.ts";
import type { Normalized } from "../runtime/normalize.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { HookConnection, ProviderRecord } from "../spec/hooks.ts";

const compiled = new WeakMap<MappingSpec, CompiledMapping>();

export interface PushedRecordsContext {
  connection: HookConnection;
  options: Readonly<Record<string, string>>;
  log: Logger;
}

/**
 * Provider records a push carried (or a push made us fetch), mapped with the connector's mapping of
 * that name — its declarative mapping, compiled once, or its map hook — and validated against the data
 * type's schema. Nothing is dropped: what fails comes back in `rejected` with its raw record, for
 * quarantine; a mapping's `when` (or a hook returning null) skips a record.
 */
export async function mapPushedRecords(
  definition: Pick<ConnectorDefinition, "spec" | "hooks">,
  mappingName: string,
  dataType: DataType,
  records: readonly ProviderRecord[],
  ctx: PushedRecordsContext,
): Promise<Normalized> {
  const into: Normalized = { valid: [], rejected: [] };
  const registry = getSchemaRegistry();
  const schemaId = modelSchemaId(dataType);
  const hook = definition.hooks.map?.[mappingName];
  const spec = Object.hasOwn(definition.spec.mappings ?? {}, mappingName) ? definition.spec.mappings![mappingName] : undefined;
  let mapping: CompiledMapping | undefined;
  if (!hook && spec) {
    mapping = compiled.get(spec);
    if (!mapping) compiled.set(spec, (mapping = compileMapping(spec, { name: `mappings.${mappingName}` })));
  }
  const connection = {
    user_id: ctx.connection.userId,
    provider: ctx.connection.provider,
    ...(ctx.connection.providerUserId != null ? { provider_user_id: ctx.connection.providerUserId } : {}),
    ...(ctx.connection.referenceId != null ? { reference_id: ctx.connection.referenceId } : {}),
  };
  for (const raw of records) {
    let produced: StandardRecord[];
    try {
      if (hook) {
        const out = hook(raw, { connection: ctx.connection, dataType, options: ctx.options, withSamples: true, log: ctx.log });
        produced = out === null ? [] : Array.isArray(out) ? out : [out];
      } else if (mapping) {
        const outcome = await mapping.map(raw, { connection });
        if (outcome.kind === "skip") continue;
        if (outcome.kind === "failed") {
          into.rejected.push({ record: (outcome.partial ?? null) as StandardRecord | null, raw, issues: outcome.issues.map((issue) => ({ path: issue.path, rule: "mapping", message: issue.message })) });
          continue;
        }
        produced = [outcome.record as StandardRecord];
      } else {
        into.rejected.push({ record: null, raw, issues: [{ path: "", rule: "map", message: `${definition.spec.name} has no mapping named "${mappingName}"` }] });
        continue;
      }
    } catch (error) {
      into.rejected.push({ record: null, raw, issues: [{ path: "", rule: "map", message: `mapping failed: ${operatorMessage(error)}` }] });
      continue;
    }
    for (const record of produced) {
      const result = registry.validate(schemaId, record);
      if (result.ok) into.valid.push(record);
      else into.rejected.push({ record, raw, issues: result.issues });
    }
  }
  return into;
}
