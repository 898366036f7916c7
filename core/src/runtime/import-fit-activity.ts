import { createHash } from "node:crypto";
import type { StandardRecord } from "../contracts/index.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { Priority } from "../queue/topology.ts";
import { normalize } from "./normalize.ts";
import { publishRecords } from "./publish-records.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { deterministicTraceId } from "./trace-id.ts";

/**
 * The FIT codec, imported by module name from the workspace root like the plugins (it builds on core's
 * contracts, so core cannot depend on it).
 */
export const FIT_CODEC_MODULE = "@tributary/fit";

/** What core uses of the FIT codec. */
export interface FitDecoder {
  decodeActivityFit(bytes: Uint8Array, options?: { summaryId?: string; uploadType?: number }): StandardRecord;
}

export async function loadFitDecoder(): Promise<FitDecoder> {
  try {
    return (await import(FIT_CODEC_MODULE)) as FitDecoder;
  } catch (cause) {
    throw new UserError(ErrorCodes.PLUGIN_LOAD, `Cannot import the FIT codec "${FIT_CODEC_MODULE}"`, { cause, hint: "Install it (pnpm add @tributary/fit)." });
  }
}

export interface ImportFitInput {
  userId: string;
  bytes: Uint8Array;
  /** Where the file came from (its path), kept with a quarantined file. */
  source: string;
  /** The activity's summary_id; default: derived from the file's identity (file_id). */
  summaryId?: string;
  decoder?: FitDecoder;
}

export interface ImportFitResult {
  /** 1 when the activity was queued for the destinations, 0 when it was quarantined. */
  records: number;
  quarantined: number;
  summaryId?: string;
  /** Why the file was quarantined: the decoder's error or the schema's issues. */
  problems: string[];
}

/** Manual: the user (or operator) handed the file in. */
const UPLOAD_TYPE_MANUAL = 2;

/**
 * A FIT activity file through the pipeline like any provider record of the user's connection: decoded,
 * validated against the Activity schema, then delivered to every destination that takes activities. A file
 * that does not decode (not FIT, truncated, corrupt, not an activity) or decodes to an invalid activity is
 * quarantined with its reason and the file itself (base64), and nothing of it is delivered. The trace id
 * derives from the file's content and the user, so importing the same file twice is dropped while the first
 * delivery is still known, and destinations overwrite by summary_id after that.
 */
export async function importFitActivity(ctx: RuntimeContext, input: ImportFitInput): Promise<ImportFitResult> {
  const connection = await ctx.store.getConnection(input.userId);
  if (!connection) {
    throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No connection ${input.userId}`, { hint: "Check the user_id (tributary connect prints it)." });
  }
  if (!connection.active) {
    throw new UserError(ErrorCodes.CONNECTION_INACTIVE, `User ${input.userId} is disconnected`, {
      hint: "Data of a disconnected user is not delivered; connect the user again first.",
    });
  }
  const decoder = input.decoder ?? (await loadFitDecoder());
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const raw = { source: input.source, size_bytes: input.bytes.length, sha256, fit_base64: Buffer.from(input.bytes).toString("base64") };
  const decode = () => decoder.decodeActivityFit(input.bytes, { ...(input.summaryId ? { summaryId: input.summaryId } : {}), uploadType: UPLOAD_TYPE_MANUAL });
  const normalized = normalize(decode, "activity", [raw]);
  const seed = `fit-import:${connection.user_id}:${sha256}`;
  const published = await publishRecords(ctx, {
    user: connection,
    dataType: "activity",
    normalized,
    traceId: deterministicTraceId(seed),
    traceSeed: seed,
    priority: Priority.live,
    log: ctx.log.child({ userId: connection.user_id, source: input.source }),
  });
  const summaryId = (normalized.valid[0]?.metadata as { summary_id?: string } | undefined)?.summary_id;
  return {
    records: published.records,
    quarantined: published.quarantined,
    ...(summaryId ? { summaryId } : {}),
    problems: normalized.rejected.flatMap((rejected) => rejected.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))),
  };
}
