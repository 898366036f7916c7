import { Decoder, Stream } from "@garmin/fitsdk";
import FitParser from "fit-file-parser";
import { getSchemaRegistry, modelSchemaId } from "@tributary/schemas";

/** What @garmin/fitsdk makes of a file: its integrity check, its decoding errors and its messages. */
export function readWithSdk(bytes: Uint8Array) {
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  const integrity = decoder.checkIntegrity();
  const { messages, errors } = decoder.read();
  return { integrity, errors, messages: messages as unknown as Record<string, Array<Record<string, unknown>>> };
}

/** The file through fit-file-parser, an independent decoder (strict: it rejects CRC and size errors). */
export async function readWithFitFileParser(bytes: Uint8Array): Promise<Record<string, any>> {
  const parser = new FitParser({ force: false, mode: "list", speedUnit: "m/s", lengthUnit: "m", elapsedRecordField: true });
  return (await parser.parseAsync(Buffer.from(bytes) as Buffer<ArrayBuffer>)) as Record<string, any>;
}

/** Schema issues of an activity (empty when valid), by the project's schema registry. */
export function activityIssues(activity: unknown): string[] {
  const result = getSchemaRegistry().validate(modelSchemaId("activity"), activity);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}
