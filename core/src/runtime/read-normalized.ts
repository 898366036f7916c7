import type { DataType } from "@tributary/schemas";
import type { ConnectorDefinition, ProviderRecord } from "../contracts/connector.ts";
import type { DateRange } from "../contracts/data-types.ts";
import type { Logger } from "../log/logger.ts";
import type { Connection, StateStore } from "../state/index.ts";
import { normalize, type Normalized } from "./normalize.ts";
import { readProviderRecords } from "./read-provider-records.ts";
import { connectionInfo } from "./terra-user.ts";

/** Map in slices so a long backfill's provider pages are not all held at once. */
const MAP_SLICE = 200;

export interface ReadNormalizedInput {
  store: Pick<StateStore, "getTokens">;
  connector: ConnectorDefinition;
  user: Connection;
  dataType: DataType;
  range: DateRange;
  withSamples: boolean;
  signal: AbortSignal;
  log: Logger;
}

/**
 * One data type of one user over a window, read from the provider with the connection's credentials,
 * mapped and validated: what a pull and a synchronous data request both do before they part ways
 * (payloads for the destinations, or the answer to the request).
 */
export async function readNormalized(input: ReadNormalizedInput): Promise<Normalized> {
  const { connector, user, dataType } = input;
  const spec = connector.pull[dataType];
  if (!spec) throw new Error(`${connector.name} does not provide ${dataType}`);
  const connection = connectionInfo(user);
  const credentials = connector.auth.type === "none" ? undefined : await input.store.getTokens(user.user_id);
  const mapContext = { connection, dataType, withSamples: input.withSamples };
  const normalized: Normalized = { valid: [], rejected: [] };
  let slice: ProviderRecord[] = [];
  for await (const raw of readProviderRecords(connector.name, spec, {
    ...mapContext,
    range: input.range,
    ...(credentials ? { credentials } : {}),
    signal: input.signal,
    log: input.log,
  })) {
    slice.push(raw);
    if (slice.length >= MAP_SLICE) {
      normalize(spec, dataType, slice, mapContext, normalized);
      slice = [];
    }
  }
  normalize(spec, dataType, slice, mapContext, normalized);
  return normalized;
}
