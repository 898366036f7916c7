import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { isSchemaRegistryError, validatePayload } from "@tributary/schemas";

export interface ValidateInput {
  /** Path of the JSON file; omitted or "-" means `stdin`. */
  file?: string;
  /** Schema name or id ("activity", "ActivityEvent", "webhook", ...); omitted means "a webhook event". */
  schema?: string;
  /** Standard input's content, when the caller has read it. */
  stdin?: string;
}

export interface ValidateOutcome {
  /** 0 valid, 1 invalid, 2 nothing could be validated (unreadable file, bad JSON, unknown schema). */
  exitCode: 0 | 1 | 2;
  lines: string[];
}

/** The `validate` command without I/O beyond reading `file`, so it can be unit tested. */
export function runValidate(input: ValidateInput): ValidateOutcome {
  const fromStdin = input.file === undefined || input.file === "-";
  const source = fromStdin ? "stdin" : (input.file as string);
  let text: string;
  if (fromStdin) {
    if (input.stdin === undefined || input.stdin.trim() === "") {
      return usageError("no input: pass a JSON file, or pipe JSON on stdin");
    }
    text = input.stdin;
  } else {
    try {
      text = readFileSync(source, "utf8");
    } catch (error) {
      return usageError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return usageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }

  let result: ReturnType<typeof validatePayload>;
  try {
    result = validatePayload(data, input.schema);
  } catch (error) {
    if (isSchemaRegistryError(error)) return usageError(error.message);
    throw error;
  }

  const label = describeSchema(result.schemaName, input.schema, data);
  if (result.ok) return { exitCode: 0, lines: [`✓ valid ${label}`] };
  const count = `${result.issues.length} issue${result.issues.length === 1 ? "" : "s"}`;
  return { exitCode: 1, lines: [`✗ invalid ${label} (${count})`, ...result.issues.map((issue) => `  ${issue.message}`)] };
}

function usageError(message: string): ValidateOutcome {
  return { exitCode: 2, lines: [`✗ ${message}`] };
}

/** "Activity", or "WebhookEvent (activity)" when the envelope was picked from the payload's `type`. */
function describeSchema(schemaName: string, requested: string | undefined, data: unknown): string {
  const type = typeof data === "object" && data !== null ? (data as { type?: unknown }).type : undefined;
  if (requested === undefined && typeof type === "string") return `${schemaName} (${type})`;
  return schemaName;
}

async function readStdin(): Promise<string | undefined> {
  // Without a pipe there is nothing to wait for; reading a terminal would just hang.
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** `tributary validate [file] [-s schema]`: check a JSON payload against the Terra Standard schemas. */
export function registerValidateCommand(program: Command): Command {
  return program
    .command("validate [file]")
    .description("validate a JSON payload (file, or stdin when omitted or '-') against the Terra Standard schemas")
    .option(
      "-s, --schema <name>",
      "schema to use: a model (activity, sleep, ...), an event type (auth, deauth, ...), a Terra schema name (ActivityEvent, TerraUser, ...) or webhook; default: a webhook event",
    )
    .action(async (file: string | undefined, options: { schema?: string }) => {
      const stdin = file === undefined || file === "-" ? await readStdin() : undefined;
      const outcome = runValidate({
        ...(file === undefined ? {} : { file }),
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        ...(stdin === undefined ? {} : { stdin }),
      });
      const print = outcome.exitCode === 2 ? (line: string) => console.error(line) : (line: string) => console.log(line);
      for (const line of outcome.lines) print(line);
      process.exitCode = outcome.exitCode;
    });
}
