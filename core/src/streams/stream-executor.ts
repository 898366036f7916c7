import type { ConnectorSpec, StreamSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import type { CursorRepository } from "../state/cursors.ts";
import { compileStream, type CompiledStream } from "./compile-stream.ts";
import { predicateCompiler, type ExpressionCompiler } from "./expressions.ts";
import { fetchFile, fetchObject, fetchUrl, type ObjectFetchContext } from "./fetch-object.ts";
import { readStream, type StreamReadContext, type StreamReading } from "./read-stream.ts";
import { readTransactions, type TransactionReadContext, type TransactionReading } from "./read-transactions.ts";

export interface StreamExecutorOptions {
  spec: Pick<ConnectorSpec, "name" | "sync">;
  /** The expression engine for `filter` and detail `when` (the mapping engine's). */
  compileExpression?: ExpressionCompiler;
  /** The state store's cursors: where checkpoints live. */
  cursors?: CursorRepository;
  /** Records whose details are fetched at once. @default 4 */
  detailConcurrency?: number;
  /** How far past now a window may reach. @default 300000 (5 minutes) */
  futureMarginMs?: number;
  now?: () => number;
  log?: Logger;
  /** What a read's position (saved with a parked pull) may hold of received answers. @default MAX_POSITION_BYTES (256 KiB) */
  maxPositionBytes?: number;
}

export interface StreamExecutor {
  readStream(stream: StreamSpec, window: { start: Date; end: Date }, ctx: StreamReadContext): StreamReading;
  /** A transaction stream's rounds: what is new since the last commit, one transaction at a time. */
  readTransactions(stream: StreamSpec, ctx: TransactionReadContext): TransactionReading;
  fetchObject(stream: StreamSpec, id: string, ctx: ObjectFetchContext): Promise<ProviderRecord | undefined>;
  fetchUrl(url: string, ctx: Pick<ObjectFetchContext, "session">, options?: { records?: string }): Promise<ProviderRecord[]>;
  /** The bytes of the file at a URL a push names; undefined when the provider has nothing. */
  fetchFile(url: string, ctx: Pick<ObjectFetchContext, "session">): Promise<Buffer | undefined>;
}

/** Runs a connector's declared streams against the provider, through a ProviderClient session. */
export function createStreamExecutor(options: StreamExecutorOptions): StreamExecutor {
  const compiled = new WeakMap<StreamSpec, CompiledStream>();
  const compileExpression = predicateCompiler(options.compileExpression);
  const compile = (stream: StreamSpec) => {
    let found = compiled.get(stream);
    if (!found) compiled.set(stream, (found = compileStream(stream, compileExpression)));
    return found;
  };
  const deps = {
    cursors: options.cursors,
    maxHistoryDays: options.spec.sync?.maxHistoryDays,
    detailConcurrency: Math.max(1, options.detailConcurrency ?? 4),
    futureMarginMs: options.futureMarginMs ?? 300_000,
    now: options.now ?? Date.now,
    log: (options.log ?? silentLogger()).child({ provider: options.spec.name }),
    maxPositionBytes: options.maxPositionBytes,
  };
  return {
    readStream: (stream, window, ctx) => readStream(compile(stream), window, ctx, deps),
    readTransactions: (stream, ctx) => readTransactions(compile(stream), ctx, deps),
    fetchObject: (stream, id, ctx) => fetchObject(compile(stream), id, ctx, deps.now),
    fetchUrl,
    fetchFile,
  };
}
