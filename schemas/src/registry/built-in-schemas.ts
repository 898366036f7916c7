import {
  ConnectorSpecSchema,
  MappingSpecSchema,
  MockProviderSchema,
  MockUrlsSchema,
  MockUsersSchema,
  RecordedExchangeSchema,
  StreamFixtureFileSchema,
} from "../connector-spec/index.ts";
import { ENUMS } from "../enums/index.ts";
import * as events from "../events/index.ts";
import * as models from "../models/index.ts";
import * as objects from "../objects/index.ts";

const hasId = (value: unknown): value is { $id: string } => typeof value === "object" && value !== null && typeof (value as { $id?: unknown }).$id === "string";

/**
 * Every schema of the Terra Standard, in registration order (referenced schemas first, although Ajv
 * resolves `$ref`s lazily anyway). Collected from the modules' exports so a new sub-object cannot be
 * forgotten here.
 */
export function builtInSchemas(): object[] {
  const all = [
    ...Object.values(ENUMS).map((table) => table.schema),
    ...Object.values(objects),
    ...Object.values(models),
    ...Object.values(events),
    MappingSpecSchema,
    ConnectorSpecSchema,
    RecordedExchangeSchema,
    MockUsersSchema,
    StreamFixtureFileSchema,
    MockUrlsSchema,
    MockProviderSchema,
  ];
  return [...new Set(all.filter(hasId))];
}
