import { isDataType, type DataType } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { actionDataTypes } from "../spec/action-data-types.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import { connectorIcon } from "./connector-icon.ts";
import { specSync } from "./connector-sync.ts";
import { createRecordNormalizer } from "./map-records.ts";
import { createConnectorReader } from "./read-connector.ts";
import type { RuntimeConnector } from "./runtime-connector.ts";

/**
 * A plugin's connector definition compiled for the runtime, once, when the plugin is registered: its
 * mappings compiled (a broken one fails the registration), its pull and push data types worked out, its
 * sync settings defaulted. A webhook that delivers a data type the connector has no mapping for is
 * refused here, not when the first push arrives.
 */
export function compileConnector(definition: ConnectorDefinition): RuntimeConnector {
  const { spec, hooks } = definition;
  const dataTypes = spec.dataTypes.filter(isDataType);
  const pullTypes = dataTypes.filter((dataType) => (spec.streams?.[dataType]?.length ?? 0) > 0);
  const pushTypes = webhookDataTypes(definition);
  const mappable = (dataType: string) => Object.hasOwn(spec.mappings ?? {}, dataType) || Object.hasOwn(hooks.map ?? {}, dataType);
  for (const dataType of pushTypes) {
    const carriesRecords = Object.values(spec.webhook?.events ?? {})
      .flat()
      .some((action) => action.action === "records" && action.dataType === dataType);
    if (carriesRecords && !mappable(dataType)) {
      throw new UserError(ErrorCodes.PLUGIN_INVALID, `${spec.name}'s webhook delivers ${dataType} records, but the connector has no mapping for them`, {
        hint: `Add mappings.${dataType} (or a map hook of that name), or stop the webhook from delivering ${dataType}.`,
        plugin: spec.name,
      });
    }
    if (!dataTypes.includes(dataType)) {
      throw new UserError(ErrorCodes.PLUGIN_INVALID, `${spec.name}'s webhook delivers ${dataType}, which is not in its dataTypes`, {
        hint: `Add ${dataType} to dataTypes, or stop the webhook from delivering it.`,
        plugin: spec.name,
      });
    }
  }
  const normalize = createRecordNormalizer(definition);
  const read = createConnectorReader(definition, normalize);
  const icon = connectorIcon(spec.icon, definition.dir);
  return {
    kind: "connector",
    name: spec.name,
    displayName: spec.displayName,
    ...(icon !== undefined ? { icon } : {}),
    auth: spec.auth,
    definition,
    dataTypes,
    pullTypes,
    pushTypes,
    sync: specSync(spec),
    canPull: (dataType): dataType is DataType => (pullTypes as readonly string[]).includes(dataType),
    read,
    normalize,
  };
}

/** The data types a webhook's events produce: records it carries, or pulls it triggers. */
function webhookDataTypes(definition: ConnectorDefinition): DataType[] {
  const found = new Set<DataType>();
  for (const value of Object.values(definition.spec.webhook?.events ?? {})) {
    for (const action of Array.isArray(value) ? value : [value]) {
      for (const dataType of actionDataTypes(action)) if (isDataType(dataType)) found.add(dataType);
    }
  }
  return [...found];
}
