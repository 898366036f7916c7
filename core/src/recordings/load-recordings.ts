import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { getSchemaRegistry, RECORDED_EXCHANGE_SCHEMA_ID, type RecordedExchange } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** One file of a recordings folder. */
export interface RecordingFile {
  /** Path relative to the folder, with "/" separators: the file's name in messages and its order. */
  file: string;
  exchange: RecordedExchange;
}

export interface RecordingSet {
  dir: string;
  files: RecordingFile[];
}

/**
 * Reads every `*.json` file under a folder (subfolders too), once, in name order, and checks each
 * against the recording schema: a broken file is an error that names it, not a request that later
 * finds no answer.
 */
export async function loadRecordings(dir: string): Promise<RecordingSet> {
  let paths: string[];
  try {
    paths = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
      .map((entry) => join(entry.parentPath, entry.name));
  } catch (cause) {
    throw new UserError(ErrorCodes.RECORDING_INVALID, `cannot read the recordings folder ${dir}: ${(cause as Error).message}`, { cause, hint: "Pass the folder that holds the recorded exchanges." });
  }
  const files = await Promise.all(
    paths.map(async (path) => {
      const file = relative(dir, path).split(sep).join("/");
      return { file, exchange: parseRecording(await readFile(path, "utf8"), `${dir}/${file}`) };
    }),
  );
  files.sort((a, b) => a.file.localeCompare(b.file, "en", { numeric: true }));
  return { dir, files };
}

/** One recording's text, parsed and checked; `where` names it in errors. */
export function parseRecording(text: string, where: string): RecordedExchange {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new UserError(ErrorCodes.RECORDING_INVALID, `${where} is not JSON: ${(cause as Error).message}`, { cause, hint: "Fix the file's JSON (see docs/recordings.md for the format)." });
  }
  const result = getSchemaRegistry().validate(RECORDED_EXCHANGE_SCHEMA_ID, data);
  if (!result.ok) {
    throw new UserError(ErrorCodes.RECORDING_INVALID, `${where} is not a recorded exchange: ${result.issues.map((issue) => issue.message).join("; ")}`, {
      hint: 'A recording is {"request":{"method","path","query"},"response":{"status","headers","body"}}; see docs/recordings.md.',
    });
  }
  return data as RecordedExchange;
}
