import { defineDestination } from "@tributary/core/contracts";
import { s3OptionsSchema, type S3Options } from "./options.ts";
import { createS3Destination } from "./s3-destination.ts";

export type { S3Options };
export type { S3Destination, S3ParkedPayload } from "./s3-destination.ts";
export { PAYLOAD_URL_EXPIRES_IN, ORDERING_METADATA, createS3Destination } from "./s3-destination.ts";
export { PAYLOAD_VERSION, PAYLOADS_FOLDER, dataObjectKey, eventObjectKey, fitObjectKey, payloadFileKey, payloadObjectKey } from "./object-keys.ts";
export { presignGetUrl } from "./presign-url.ts";

/**
 * Terra's cloud-storage layout on any S3-compatible store: one JSON object per record at
 * `<prefix>2022-03-16/<type>/<user_id>-<when>.json`, overwritten on redelivery, newer copy wins; with
 * `format: both` (or `fit`) an activity's FIT file at the same key with `.fit`.
 */
export default defineDestination<S3Options>({
  name: "s3",
  formats: ["terra", "fit", "both"],
  optionsSchema: s3OptionsSchema,
  secretOptions: ["secretAccessKey"],
  create: createS3Destination,
});
