import type { Command } from "commander";
import { createLogger } from "../../log/logger.ts";
import type { QuarantinedRecord } from "../../state/index.ts";
import { loadApp, parsePositiveInteger, withAppOptions, type AppCommandOptions } from "../app-options.ts";

interface ListOptions extends AppCommandOptions {
  userId?: string;
  dataType?: string;
  limit?: number;
  json?: boolean;
}

/** `tributary quarantine list`: records that failed validation, with the reason, never delivered. */
export function registerQuarantineCommand(program: Command): Command {
  const group = program.command("quarantine").description("records that failed schema validation (kept with their reasons and raw payloads)");
  withAppOptions(group.command("list").description("newest first"))
    .option("--user-id <id>", "only this user")
    .option("--data-type <type>", "only this data type (activity, sleep, …)")
    .option("--limit <n>", "at most this many (max 1000)", parsePositiveInteger, 50)
    .option("--json", "one JSON object per line, with the record and the raw provider payload")
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ListOptions>();
      const app = await loadApp(options, createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr }));
      try {
        const records = await app.ctx.store.listQuarantine({
          ...(options.userId ? { userId: options.userId } : {}),
          ...(options.dataType ? { dataType: options.dataType } : {}),
          limit: Math.min(options.limit ?? 50, 1000),
        });
        if (options.json) for (const record of records) console.log(JSON.stringify(record));
        else if (records.length === 0) console.log("Nothing in quarantine.");
        else for (const record of records) console.log(describe(record));
      } finally {
        await app.close();
      }
    });
  return group;
}

function describe(record: QuarantinedRecord): string {
  const head = `#${record.id}  ${record.created_at}  ${record.provider ?? "-"} ${record.data_type ?? "-"}  user ${record.user_id ?? "-"}`;
  return [head, ...record.issues.map((issue) => `    ${issue.message}`)].join("\n");
}
