// The stream executor: a connector spec's pull streams as async iterables of provider records.
export { createStreamExecutor, type StreamExecutor, type StreamExecutorOptions } from "./stream-executor.ts";
export type { StreamReadContext, StreamReading, StreamPosition, StreamStats } from "./read-stream.ts";
export type { ObjectFetchContext } from "./fetch-object.ts";
export type { TransactionReadContext, TransactionReading, TransactionRound, TransactionStats } from "./read-transactions.ts";
export type { ExpressionBindings, ExpressionCompiler, RecordPredicate } from "./expressions.ts";
export { checkpointKey, readCheckpoint, advanceCheckpoint, type StreamCheckpoint } from "./checkpoints.ts";
export { formatTime, parseTime, renderStart, renderEnd } from "./time-format.ts";
export { clampWindow, stepWindows, type TimeWindow } from "./windows.ts";
export { nextLink, type PageState, type StopReason } from "./paging.ts";
