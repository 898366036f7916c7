import { randomUUID } from "node:crypto";
import type { Destination } from "@tributary/core/contracts";
import type { AwsEmulator } from "@tributary/test-kit/emulators";
import sqsPlugin, { type SqsOptions } from "../src/index.ts";
import { testContext } from "@tributary/test-kit";

const queueOf = new WeakMap<Destination, string>();

/** A fresh queue on the emulator and an sqs destination sending to it. */
export function createSqsDestination(
  emulator: AwsEmulator,
  options: Partial<SqsOptions> & { fifo?: boolean } = {},
  others: Record<string, Destination> = {},
): Destination {
  const { fifo, ...rest } = options;
  const queueUrl = rest.queueUrl ?? emulator.createQueue(`tributary-${randomUUID()}`, { fifo: fifo ?? false });
  const destination = sqsPlugin.create(
    {
      queueUrl,
      endpoint: emulator.endpoint,
      accessKeyId: emulator.credentials.accessKeyId,
      secretAccessKey: emulator.credentials.secretAccessKey,
      ...rest,
    },
    testContext("queue", others),
  );
  queueOf.set(destination, queueUrl);
  return destination;
}

export function queueFor(destination: Destination): string {
  const queueUrl = queueOf.get(destination);
  if (!queueUrl) throw new Error("not a destination made by createSqsDestination");
  return queueUrl;
}
