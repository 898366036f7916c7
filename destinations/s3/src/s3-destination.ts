import { DeleteObjectsCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DATA_EVENT_TYPES,
  ErrorCodes,
  UserError,
  eventKey,
  payloadRecords,
  payloadUserId,
  type Delivery,
  type DeliveryPayload,
  type DestinationContext,
  type DestinationUser,
  type PayloadFile,
  type PayloadStore,
  type ParkedPayload,
} from "@tributary/core/contracts";
import { encodeActivityFit, FIT_MEDIA_TYPE } from "@tributary/fit";
import type { Activity } from "@tributary/schemas";
import { mapLimit } from "./map-limit.ts";
import { encodeBody, singleRecordPayload } from "./object-body.ts";
import {
  PAYLOAD_VERSION,
  PAYLOADS_FOLDER,
  dataObjectKey,
  eventObjectKey,
  fitObjectKey,
  isUsersObject,
  keyPart,
  normalizePrefix,
  payloadFileKey,
  payloadObjectKey,
} from "./object-keys.ts";
import { objectUrl } from "./object-url.ts";
import type { S3Options } from "./options.ts";
import { presignGetUrl } from "./presign-url.ts";
import { s3Error } from "./s3-errors.ts";

/** Where `storePayload` put a payload: what an `s3_payload` pointer carries, and the object's key. */
export interface S3ParkedPayload extends ParkedPayload {
  /** The object key inside the bucket. */
  key: string;
}

/** The s3 destination: a Destination that can also park an oversized payload for a webhook or SQS pointer. */
export interface S3Destination extends PayloadStore {
  /**
   * Stores the whole payload at `<prefix>payloads/<user_id>/<type>-<trace_id>.json` — or `file`, at
   * `<prefix>payloads/<user_id>/<trace_id>-<name>` — and returns a pre-signed GET URL to it. The objects
   * stay after the URL expires: give the bucket a lifecycle rule on `payloads/`.
   */
  storePayload(delivery: Delivery, file?: PayloadFile): Promise<S3ParkedPayload>;
}

/** Terra's pointer URLs live 300–600 s; consumers fetch right away. */
export const PAYLOAD_URL_EXPIRES_IN = 600;
/** Metadata holding the delivery's ordering timestamp, read back to let the newer copy win. */
export const ORDERING_METADATA = "ordering-ts";
const PARALLEL_REQUESTS = 8;
const DELETE_BATCH = 1000;

interface ObjectBody {
  body: Uint8Array;
  contentType: string;
  contentEncoding?: string;
}

interface PendingObject {
  key: string;
  delivery: Delivery;
  /** Made only for the objects that are written (not for one a newer stored copy keeps). */
  body(): Promise<ObjectBody>;
}

export function createS3Destination(options: S3Options, ctx: DestinationContext): S3Destination {
  const { bucket } = options;
  const prefix = normalizePrefix(options.prefix);
  const gzip = options.gzip ?? false;
  const format = ctx.format ?? "terra";
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  let client: S3Client | undefined;

  const s3 = () =>
    (client ??= new S3Client({
      region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
    }));

  /** A request that, once `signal` is aborted (Tributary gave up on the write), stops and rejects with its reason. */
  const call = async <T>(request: (s3: S3Client) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    try {
      return await request(s3());
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw s3Error(error, bucket);
    }
  };

  /** The stored copy's ordering timestamp; undefined when there is no object (or it predates the metadata). */
  const storedOrdering = async (key: string, signal?: AbortSignal): Promise<number | undefined> => {
    try {
      const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      const value = Number(head.Metadata?.[ORDERING_METADATA]);
      return Number.isFinite(value) ? value : undefined;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return undefined; // no such key (or no such bucket: the put says which)
      if (signal?.aborted) throw signal.reason;
      throw s3Error(error, bucket);
    }
  };

  const jsonBody = (payload: DeliveryPayload) => async (): Promise<ObjectBody> => ({
    body: await encodeBody(payload, gzip),
    contentType: "application/json",
    ...(gzip ? { contentEncoding: "gzip" } : {}),
  });
  // FIT files are stored as they are, gzip or not: FIT tools open `.fit` objects, not `.fit.gz`.
  const fitBody = (record: Record<string, unknown>) => async (): Promise<ObjectBody> => ({
    body: encodeActivityFit(record as Activity),
    contentType: FIT_MEDIA_TYPE,
  });

  const put = async (key: string, object: ObjectBody, delivery: Delivery, signal?: AbortSignal) => {
    await call(
      (s3) =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: object.body,
            ContentType: object.contentType,
            ...(object.contentEncoding ? { ContentEncoding: object.contentEncoding } : {}),
            Metadata: { [ORDERING_METADATA]: String(delivery.orderingTimestamp), "trace-id": delivery.traceId },
          }),
          { abortSignal: signal },
        ),
      signal,
    );
  };

  /**
   * Newer wins: an object whose stored ordering timestamp is later than this delivery's is left alone. S3 has
   * no conditional put on metadata, so two deliveries of one key racing between HEAD and PUT can still let the
   * older land last; deliveries of one user are normally sequential, and the next redelivery corrects it.
   */
  const putUnlessNewerStored = async ({ key, delivery, body }: PendingObject, signal?: AbortSignal) => {
    const stored = await storedOrdering(key, signal);
    if (stored !== undefined && stored > delivery.orderingTimestamp) return;
    await put(key, await body(), delivery, signal);
  };

  /** Terra's layout: one JSON object per record; an activity's `.fit` beside it (format fit: instead of it). */
  const objectsOf = (delivery: Delivery): PendingObject[] => {
    const { payload } = delivery;
    if (!DATA_EVENT_TYPES.has(payload.type)) {
      return [{ key: eventObjectKey(prefix, eventKey(payload, delivery.orderingTimestamp), gzip), delivery, body: jsonBody(payload) }];
    }
    const withJson = payload.type !== "activity" || format !== "fit";
    const withFit = payload.type === "activity" && format !== "terra";
    return payloadRecords(payload).flatMap(({ record, key }) => [
      ...(withJson ? [{ key: dataObjectKey(prefix, key, gzip), delivery, body: jsonBody(singleRecordPayload(payload, record)) }] : []),
      ...(withFit ? [{ key: fitObjectKey(prefix, key), delivery, body: fitBody(record) }] : []),
    ]);
  };

  /** Keys listed under a prefix, page by page. */
  const listKeys = async (listPrefix: string, delimiter?: string) => {
    const keys: string[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await call((s3) =>
        s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefix, ContinuationToken: token, ...(delimiter ? { Delimiter: delimiter } : {}) })),
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
      for (const folder of page.CommonPrefixes ?? []) if (folder.Prefix) folders.push(folder.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { keys, folders };
  };

  const deleteKeys = async (keys: readonly string[]) => {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const chunk = keys.slice(start, start + DELETE_BATCH);
      const result = await call((s3) => s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } })));
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw s3Error(
          { name: failed[0]?.Code, message: `${failed.length} object(s) could not be deleted, first ${failed[0]?.Key}: ${failed[0]?.Message}` },
          bucket,
        );
      }
    }
  };

  return {
    name: ctx.name,
    type: "s3",

    async write(batch, writeOptions) {
      const signal = writeOptions?.signal;
      // The same key twice in one batch: only the newest copy is sent (the later one on a tie).
      const latest = new Map<string, PendingObject>();
      for (const delivery of batch) {
        for (const object of objectsOf(delivery)) {
          const seen = latest.get(object.key);
          if (!seen || seen.delivery.orderingTimestamp <= delivery.orderingTimestamp) latest.set(object.key, object);
        }
      }
      // Given up on: the requests under way stop, and no further object is started.
      await mapLimit([...latest.values()], PARALLEL_REQUESTS, async (object) => {
        signal?.throwIfAborted();
        await putUnlessNewerStored(object, signal);
      });
    },

    async delete(user: DestinationUser) {
      const userPart = keyPart(user.user_id);
      const { folders } = await listKeys(`${prefix}${PAYLOAD_VERSION}/`, "/");
      const doomed: string[] = [];
      for (const folder of folders) {
        const { keys } = await listKeys(`${folder}${userPart}`);
        doomed.push(...keys.filter((key) => isUsersObject(key.slice(folder.length + userPart.length))));
      }
      doomed.push(...(await listKeys(`${prefix}${PAYLOADS_FOLDER}/${userPart}/`)).keys);
      await deleteKeys(doomed);
      ctx.log.debug({ destination: ctx.name, user_id: user.user_id, objects: doomed.length }, "s3: erased user objects");
    },

    async check() {
      await call((s3) => s3.send(new HeadBucketCommand({ Bucket: bucket })));
    },

    async close() {
      client?.destroy();
      client = undefined;
    },

    async storePayload(delivery, file) {
      const userId = payloadUserId(delivery.payload) ?? "no-user";
      const key = file
        ? payloadFileKey(prefix, userId, delivery.traceId, file.name)
        : payloadObjectKey(prefix, userId, delivery.payload.type, delivery.traceId, gzip);
      await put(key, file ? { body: file.body, contentType: file.contentType } : await jsonBody(delivery.payload)(), delivery);
      const credentials = await call((s3) => s3.config.credentials());
      if (!credentials.accessKeyId || !credentials.secretAccessKey) {
        throw new UserError(ErrorCodes.DESTINATION_AUTH, `No credentials to pre-sign payload URLs for bucket "${bucket}"`, {
          hint: "Set accessKeyId/secretAccessKey or give the process an AWS credential source.",
        });
      }
      const url = presignGetUrl({
        url: objectUrl({ bucket, region, endpoint: options.endpoint, forcePathStyle: options.forcePathStyle }, key),
        region,
        credentials,
        expiresIn: PAYLOAD_URL_EXPIRES_IN,
      });
      return { url, expires_in: PAYLOAD_URL_EXPIRES_IN, key };
    },
  };
}
