import type { DataType, RequestSpec, StreamSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { RateLimitedError, UserError, type TributaryError } from "../errors/tributary-error.ts";
import { compileStreamCondition, connectionBinding } from "../mapping/index.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import type { Rejected } from "../runtime/normalize.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import type { HookResponse, ProviderRecord, ReadContext } from "../spec/hooks.ts";
import type { CursorRepository } from "../state/cursors.ts";
import { createStreamExecutor, type StreamExecutor } from "../streams/stream-executor.ts";
import { stepWindows } from "../streams/windows.ts";
import type { RecordNormalizer } from "./map-records.ts";
import type { ConnectorReadContext, NormalizedSlice } from "./runtime-connector.ts";

/** Provider records mapped at a time, at most. */
const DEFAULT_SLICE = 25;
/**
 * Provider answers received, in bytes, after which a slice is mapped and published even with fewer records:
 * a workout's second-by-second samples are a few hundred kB as received and a few MB once parsed and
 * mapped, so 25 of them would hold tens of MB at once.
 */
const DEFAULT_SLICE_BYTES = 1024 * 1024;

export type ConnectorReader = (dataType: DataType, ctx: ConnectorReadContext) => AsyncIterable<NormalizedSlice>;

/**
 * Reads a connector's streams of one data type, one after the other, and maps them a slice at a time.
 * A stream with a read hook runs the hook (per window step when its dateRange says so); any other runs
 * through the stream executor over the connection's provider session. The normalizer runs the stream's
 * transform hook before mapping. A stream's checkpoint moves only after its last slice was taken by the consumer.
 */
export function createConnectorReader(definition: ConnectorDefinition, normalize: RecordNormalizer): ConnectorReader {
  const { spec, hooks } = definition;
  const executors = new WeakMap<CursorRepository, StreamExecutor>();
  let plain: StreamExecutor | undefined;
  const executorFor = (cursors: CursorRepository | undefined): StreamExecutor => {
    const make = () =>
      createStreamExecutor({
        spec,
        compileExpression: compileStreamCondition,
        ...(cursors ? { cursors } : {}),
      });
    if (!cursors) return (plain ??= make());
    let found = executors.get(cursors);
    if (!found) executors.set(cursors, (found = make()));
    return found;
  };

  return async function* read(dataType, ctx) {
    const declared = spec.streams?.[dataType] ?? [];
    if (declared.length === 0) {
      throw new UserError(ErrorCodes.DATA_TYPE_UNSUPPORTED, `${spec.name} cannot pull ${dataType}: no stream reads it`, {
        hint: "Its records only arrive by push; nothing is pulled for this data type.",
        plugin: spec.name,
      });
    }
    // A data type with transaction streams polls through them; its other streams read windows.
    const transactional = declared.some((stream) => stream.transaction);
    const streams = transactional ? declared.filter((stream) => (stream.transaction !== undefined) === (ctx.transactions === true)) : declared;
    const sliceSize = Math.max(1, ctx.sliceSize ?? DEFAULT_SLICE);
    const sliceBytes = Math.max(1, ctx.sliceBytes ?? DEFAULT_SLICE_BYTES);
    for (const stream of streams) {
      const mapCtx = { connection: ctx.connection, withSamples: ctx.withSamples, options: ctx.options, log: ctx.log, stream: stream.name };
      let slice: ProviderRecord[] = [];
      let rejected: Rejected[] = [];
      const close = async (position?: NormalizedSlice["position"]): Promise<NormalizedSlice> => {
        const normalized = await normalize(dataType, slice, mapCtx, stream.mapping ?? dataType);
        const out: NormalizedSlice = {
          valid: normalized.valid,
          rejected: [...rejected, ...normalized.rejected],
          ...(normalized.parts ? { parts: normalized.parts } : {}),
          stream: stream.name,
          ...(position ? { position } : {}),
        };
        slice = [];
        rejected = [];
        return out;
      };

      const readHook = hooks.read?.[stream.name];
      if (readHook) {
        const window = { start: ctx.range.start.getTime(), end: ctx.range.end.getTime() };
        for (const step of window.end > window.start ? stepWindows(window, stream.dateRange?.maxWindowDays, stream.dateRange?.order) : []) {
          const readCtx: ReadContext = {
            connection: ctx.connection,
            dataType,
            options: hookOptions(definition, ctx.options),
            withSamples: ctx.withSamples,
            log: ctx.log,
            stream: stream.name,
            window: { start: new Date(step.start), end: new Date(step.end) },
            send: (request, variables) => sendThrough(spec.name, ctx.session, request, variables),
            signal: ctx.signal,
          };
          for await (const record of readHook(readCtx)) {
            slice.push(record);
            if (slice.length >= sliceSize) yield await close();
          }
        }
        const last = await close();
        if (last.valid.length > 0 || last.rejected.length > 0) yield last;
        continue;
      }

      if (!ctx.session) {
        throw new UserError(ErrorCodes.SPEC_INVALID, `${spec.name} stream ${stream.name} sends requests, but no provider session was given`, {
          hint: "Give the connector an http section and read it through the runtime's provider client.",
          plugin: spec.name,
        });
      }
      if (stream.transaction) {
        const reading = executorFor(ctx.cursors).readTransactions(stream, {
          session: ctx.session,
          userId: ctx.connection.userId,
          onStaleDates: ctx.onStaleDates,
          connection: connectionBinding(ctx.connection),
          onRejected: (record, error) => {
            rejected.push(rejectedItem(stream, record, error));
          },
        });
        for await (const round of reading) {
          for await (const record of round.records()) {
            slice.push(record);
            if (slice.length >= sliceSize) yield await close();
          }
          yield { ...(await close()), settle: true };
          // Only now — the consumer made every record of the transaction durable before asking for more.
          await round.commit();
        }
        ctx.log.debug({ stream: stream.name, ...reading.stats }, "transaction stream read");
        continue;
      }
      const reading = executorFor(ctx.cursors).readStream(stream, ctx.range, {
        session: ctx.session,
        userId: ctx.connection.userId,
        connection: connectionBinding(ctx.connection),
        checkpoint: ctx.checkpoint ?? "ignore",
        recent: ctx.recent === true,
        autoCommit: false,
        onStaleDates: ctx.onStaleDates,
        ...(ctx.resume?.[stream.name] ? { resume: ctx.resume[stream.name] } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
        onRejected: (record, error) => {
          rejected.push(rejectedDetail(stream, record, error));
        },
      });
      const received = () => reading.stats.http.bytesReceived;
      let sliceStart = received();
      try {
        for await (const record of reading) {
          slice.push(record);
          if (slice.length >= sliceSize || received() - sliceStart >= sliceBytes) {
            yield await close(reading.position());
            sliceStart = received();
          }
        }
      } catch (error) {
        // A wait (rate budget, Retry-After) ends this run of the read: what was read goes on, with the
        // exact position after it, so the continued read asks for nothing it already received.
        if (error instanceof RateLimitedError) yield await close(reading.position());
        throw error;
      }
      yield { ...(await close(reading.position())), stats: reading.stats };
      // Only now — the consumer asked for more, so it has published the stream's last slice.
      await reading.commit();
    }
  };
}

function rejectedDetail(stream: StreamSpec, record: ProviderRecord, error: TributaryError): Rejected {
  return { record: null, raw: record, issues: [{ path: "", rule: "detail", message: `a required detail of stream ${stream.name} failed: ${error.message}` }] };
}

function rejectedItem(stream: StreamSpec, record: ProviderRecord, error: TributaryError): Rejected {
  return {
    record: null,
    raw: record,
    issues: [{ path: "", rule: "transaction", message: `an item of transaction stream ${stream.name} cannot be read: ${error.message}` }],
  };
}

function hookOptions(definition: ConnectorDefinition, configured: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, option] of Object.entries(definition.spec.options ?? {})) if (option.default !== undefined) out[name] = option.default;
  for (const [name, value] of Object.entries(configured ?? {})) if (value !== undefined && value !== null) out[name] = String(value);
  return out;
}

async function sendThrough(
  provider: string,
  session: ProviderSession | undefined,
  request: RequestSpec,
  variables?: Readonly<Record<string, unknown>>,
): Promise<HookResponse> {
  if (!session) {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${provider}'s read hook sends a request, but the connector has no provider session`, {
      hint: "Give the connector spec an http section (baseUrl) so the runtime can make provider requests for it.",
      plugin: provider,
    });
  }
  const answer = await session.send(request, variables as Record<string, never> | undefined);
  return { status: answer.status, headers: answer.headers, body: answer.body === undefined ? answer.raw.toString("utf8") : answer.body };
}
