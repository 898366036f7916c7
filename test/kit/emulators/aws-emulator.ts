import { startCredentialCheck } from "./aws-credential-check.ts";
import type { Emulator } from "./emulator.ts";
import { onceOnly } from "./emulator.ts";

/** The access key the emulator accepts (its secret is not checked). */
export const AWS_EMULATOR_CREDENTIALS = { accessKeyId: "tributary-test", secretAccessKey: "tributary-test-secret" } as const;
export const AWS_EMULATOR_REGION = "us-east-1";

export interface AwsEmulator extends Emulator {
  readonly region: string;
  readonly credentials: typeof AWS_EMULATOR_CREDENTIALS;
  /** Creates a bucket (idempotent) and returns its name. */
  createBucket(name: string): string;
  /** Creates a queue and returns its URL; a FIFO queue gets the `.fifo` suffix it requires. */
  createQueue(name: string, options?: { fifo?: boolean }): string;
  /** The URL a queue of this name has, whether or not it exists (to test a missing queue). */
  queueUrl(name: string): string;
}

/**
 * Starts fauxqs (an in-memory S3 + SQS emulator speaking the AWS wire protocols) inside this process on a
 * free port. Point `@aws-sdk/client-s3` at `endpoint` with `forcePathStyle: true` (bucket-in-hostname
 * addressing would need `*.localhost` DNS) and `@aws-sdk/client-sqs` at `endpoint`.
 *
 * fauxqs checks no credentials: `endpoint` is a front that refuses, as AWS does, a request signed with
 * another access key than `credentials.accessKeyId` (the secret is not checked). Queue URLs keep fauxqs's own
 * port, as it names its queues by URL; clients reach it through `endpoint`.
 */
export async function startAwsEmulator(): Promise<AwsEmulator> {
  // Imported on demand so test files that need no AWS emulator do not load fastify and the AWS SDK.
  const { startFauxqs } = await import("fauxqs");
  const server = await startFauxqs({ port: 0, logger: false, defaultRegion: AWS_EMULATOR_REGION });
  const front = await startCredentialCheck(server, AWS_EMULATOR_CREDENTIALS.accessKeyId);
  return {
    endpoint: front.url,
    region: AWS_EMULATOR_REGION,
    credentials: AWS_EMULATOR_CREDENTIALS,
    createBucket: (name) => server.createBucket(name).bucketName,
    createQueue: (name, options = {}) => {
      if (!options.fifo) return server.createQueue(name).queueUrl;
      const fifoName = name.endsWith(".fifo") ? name : `${name}.fifo`;
      return server.createQueue(fifoName, { attributes: { FifoQueue: "true" } }).queueUrl;
    },
    // fauxqs's documented URL scheme: http://sqs.<region>.<host>:<port>/<account>/<name>.
    queueUrl: (name) => `http://sqs.${AWS_EMULATOR_REGION}.localhost:${server.port}/000000000000/${name}`,
    stop: onceOnly(async () => {
      await front.close();
      await server.stop();
    }),
  };
}

/**
 * An s3 destination's `options` for a bucket of the emulator, as a one-line YAML mapping for a test's
 * config file; `secretAccessKey` may be a `${VAR}` reference so the config is checked for secrets in clear.
 */
export function s3DestinationOptionsYaml(aws: AwsEmulator, bucket: string, secretAccessKey: string = aws.credentials.secretAccessKey): string {
  return `{ bucket: ${bucket}, region: ${aws.region}, endpoint: "${aws.endpoint}", forcePathStyle: true, accessKeyId: ${aws.credentials.accessKeyId}, secretAccessKey: "${secretAccessKey}" }`;
}
