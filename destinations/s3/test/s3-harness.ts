import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { recordKey, type DeliveryFormat, type Destination } from "@tributary/core/contracts";
import type { AwsEmulator } from "@tributary/test-kit/emulators";
import type { StoredRecord } from "@tributary/test-kit";
import s3Plugin, { type S3Destination, type S3Options } from "../src/index.ts";
import { testContext } from "@tributary/test-kit";

/** Reads what an s3 destination wrote, with a client of its own, straight from the emulator. */
export class S3Reader {
  readonly client: S3Client;
  constructor(emulator: AwsEmulator) {
    this.client = new S3Client({ endpoint: emulator.endpoint, forcePathStyle: true, region: emulator.region, credentials: emulator.credentials });
  }

  close(): void {
    this.client.destroy();
  }

  async keys(bucket: string, prefix = ""): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ""));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** An object's bytes as stored, and its content type. */
  async object(bucket: string, key: string): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { bytes: await object.Body!.transformToByteArray(), contentType: object.ContentType };
  }

  async json(bucket: string, key: string): Promise<Record<string, unknown>> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    return JSON.parse((key.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8")) as Record<string, unknown>;
  }

  /** Every data record stored for a user, as a consumer of the bucket would find them. */
  async records(bucket: string, userId: string, prefix = ""): Promise<StoredRecord[]> {
    const stored: StoredRecord[] = [];
    for (const key of await this.keys(bucket, `${prefix}2022-03-16/`)) {
      const body = await this.json(bucket, key);
      if ((body.user as { user_id?: string } | undefined)?.user_id !== userId) continue;
      const record = (body.type === "athlete" ? body.athlete : (body.data as unknown[] | undefined)?.[0]) as Record<string, unknown> | undefined;
      if (!record) continue;
      stored.push({ type: String(body.type), key: recordKey(String(body.type), userId, record).key, record });
    }
    return stored;
  }
}

/** A fresh bucket on the emulator and an s3 destination writing to it. */
export function createS3Destination(emulator: AwsEmulator, options: Partial<S3Options> = {}, name = "bucket", format?: DeliveryFormat): S3Destination {
  const bucket = options.bucket ?? emulator.createBucket(`tributary-${randomUUID()}`);
  const destination = s3Plugin.create(
    {
      bucket,
      region: emulator.region,
      endpoint: emulator.endpoint,
      forcePathStyle: true,
      accessKeyId: emulator.credentials.accessKeyId,
      secretAccessKey: emulator.credentials.secretAccessKey,
      ...options,
    },
    { ...testContext(name), ...(format ? { format } : {}) },
  );
  bucketOf.set(destination, bucket);
  return destination as S3Destination;
}

const bucketOf = new WeakMap<Destination, string>();

export function bucketFor(destination: Destination): string {
  const bucket = bucketOf.get(destination);
  if (!bucket) throw new Error("not a destination made by createS3Destination");
  return bucket;
}
