import type { DataType } from "@tributary/schemas";
import type { ConnectorDefinition, ProviderRecord } from "../contracts/connector.ts";
import type { DateRange } from "../contracts/data-types.ts";
import type { Logger } from "../log/logger.ts";
import type { Connection, StateStore } from "../state/index.ts";
import { normalize, type Normalized } from "./normalize.ts";
import { readProviderRecords } from "./read-provider-records.ts";
import { connectionInfo } from "./terra-user.ts";

/** Provider records mapped at a time: a few MB even when each carries a workout's samples. */
const MAP_SLICE = 25;

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
 * mapped and validated slice by slice as records arrive: what a pull and a synchronous data request both
 * do before they part ways (payloads for the destinations, or the answer to the request). The memory it
 * holds does not grow with the window.
 */
export async function* readNormalizedSlices(input: ReadNormalizedInput): AsyncIterable<Normalized> {
  const { connector, user, dataType } = input;
  const spec = connector.pull[dataType];
  if (!spec) throw new Error(`${connector.name} does not provide ${dataType}`);
  const connection = connectionInfo(user);
  const credentials = connector.auth.type === "none" ? undefined : await input.store.getTokens(user.user_id);
  const mapContext = { connection, dataType, withSamples: input.withSamples };
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
      yield normalize(spec, dataType, slice, mapContext);
      slice = [];
    }
  }
  yield normalize(spec, dataType, slice, mapContext);
}

/** All of a (short) window's records at once: the synchronous data request's answer. */
export async function readNormalized(input: ReadNormalizedInput): Promise<Normalized> {
  const normalized: Normalized = { valid: [], rejected: [] };
  for await (const slice of readNormalizedSlices(input)) {
    normalized.valid.push(...slice.valid);
    normalized.rejected.push(...slice.rejected);
  }
  return normalized;
}
