import type { DataType } from "@tributary/schemas";
import type { NormalizedSlice, RuntimeConnector } from "../connectors/runtime-connector.ts";
import type { DateRange } from "../contracts/data-types.ts";
import type { Logger } from "../log/logger.ts";
import type { Connection } from "../state/index.ts";
import type { OnStaleDates } from "../streams/mapped-offsets.ts";
import type { StreamPosition } from "../streams/read-stream.ts";
import type { Normalized } from "./normalize.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { connectionInfo } from "./terra-user.ts";

export interface ReadNormalizedInput {
  connector: RuntimeConnector;
  user: Connection;
  dataType: DataType;
  range: DateRange;
  withSamples: boolean;
  signal: AbortSignal;
  log: Logger;
  /** Polls start at each stream's checkpoint. @default "ignore" */
  checkpoint?: "use" | "ignore";
  /** A read of what is new (polls, reconciliations): `within.arrived` counts. @default false */
  recent?: boolean;
  /** Read the transaction streams (polls, reconciliations); the consumer flushes on each `settle` slice. @default false */
  transactions?: boolean;
  /** Continue interrupted stream reads from their saved positions. */
  resume?: Readonly<Record<string, StreamPosition>>;
  /** Read again the dates the member's zone learned now decides otherwise (zone-rereads.ts); without it they are not. */
  onStaleDates?: OnStaleDates;
}

/**
 * One data type of one user over a window, read from the provider with the connection's credentials
 * (its provider session: rate budget per request, the response table, refresh on 401), mapped and
 * validated slice by slice as records arrive: what a pull and a synchronous data request both do before
 * they part ways (payloads for the destinations, or the answer to the request). The memory it holds does
 * not grow with the window; checkpoints move after the consumer took a stream's last slice.
 */
export async function* readNormalizedSlices(
  ctx: Pick<RuntimeContext, "access" | "store" | "providers">,
  input: ReadNormalizedInput,
): AsyncIterable<NormalizedSlice> {
  const { connector, user } = input;
  const session = await ctx.access.session(connector, user, input.signal);
  yield* connector.read(input.dataType, {
    connection: connectionInfo(user),
    range: input.range,
    withSamples: input.withSamples,
    signal: input.signal,
    log: input.log,
    options: ctx.providers[connector.name]?.options,
    session,
    cursors: ctx.store,
    checkpoint: input.checkpoint ?? "ignore",
    transactions: input.transactions === true,
    recent: input.recent === true,
    ...(input.resume ? { resume: input.resume } : {}),
    ...(input.onStaleDates ? { onStaleDates: input.onStaleDates } : {}),
  });
}

/** All of a (short) window's records at once: the synchronous data request's answer. */
export async function readNormalized(ctx: Pick<RuntimeContext, "access" | "store" | "providers">, input: ReadNormalizedInput): Promise<Normalized> {
  const normalized: Normalized = { valid: [], rejected: [] };
  for await (const slice of readNormalizedSlices(ctx, input)) {
    normalized.valid.push(...slice.valid);
    normalized.rejected.push(...slice.rejected);
  }
  return normalized;
}
