import type { Command } from "commander";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { createLogger } from "../../log/logger.ts";
import { releaseQuarantined } from "../../services/release-quarantined.ts";
import { containsRedaction, REDACTED } from "../../redaction/index.ts";
import type { QuarantinedRecord } from "../../state/index.ts";
import { assertRedisReachable, loadApp, parsePositiveInteger, withAppOptions, type AppCommandOptions } from "../app-options.ts";
import { parseEntryId, parseTime } from "../operator-arguments.ts";

interface ListOptions extends AppCommandOptions {
  userId?: string;
  dataType?: string;
  provider?: string;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

/** `tributary quarantine list|show|release|purge`: records that failed validation, kept with the reason, never delivered. */
export function registerQuarantineCommand(program: Command): Command {
  const group = program.command("quarantine").description("records that failed schema validation (kept with their reasons and raw payloads)");
  const quietLog = () => createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });

  withAppOptions(group.command("list").description("newest first; released ones only with --all"))
    .option("--user-id <id>", "only this user")
    .option("--provider <name>", "only this provider (STRAVA, …)")
    .option("--data-type <type>", "only this data type (activity, sleep, …)")
    .option("--limit <n>", "at most this many (max 1000)", parsePositiveInteger, 50)
    .option("--all", "include entries already released")
    .option("--json", "one JSON object per line, with the record and the raw provider payload")
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ListOptions>();
      const app = await loadApp(options, quietLog());
      try {
        const records = await app.ctx.store.listQuarantine({
          ...(options.userId ? { userId: options.userId } : {}),
          ...(options.provider ? { provider: options.provider } : {}),
          ...(options.dataType ? { dataType: options.dataType } : {}),
          includeResolved: options.all === true,
          limit: Math.min(options.limit ?? 50, 1000),
        });
        if (options.json) for (const record of records) console.log(JSON.stringify(record));
        else if (records.length === 0) console.log("Nothing in quarantine.");
        else for (const record of records) console.log(describe(record));
      } finally {
        await app.close();
      }
    });

  withAppOptions(group.command("show <id>").description("one entry: its issues, the record and the raw provider payload it was made from"))
    .option("--json", "as one JSON object")
    .action(async (rawId: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<AppCommandOptions & { json?: boolean }>();
      const id = parseEntryId(rawId, "quarantine");
      const app = await loadApp(options, quietLog());
      try {
        const entry = await app.ctx.store.getQuarantined(id);
        if (!entry) throw notFound(id);
        if (options.json) console.log(JSON.stringify(entry));
        else console.log(quarantineEntryText(entry));
      } finally {
        await app.close();
      }
    });

  withAppOptions(
    group
      .command("release <ids...>")
      .description("after a fix (connector mapping, schema): map and validate each entry's raw payload again and deliver what now passes"),
  ).action(async (rawIds: string[], _options: unknown, command: Command) => {
    const options = command.optsWithGlobals<AppCommandOptions>();
    const ids = rawIds.map((id) => parseEntryId(id, "quarantine"));
    const app = await loadApp(options, quietLog());
    try {
      await assertRedisReachable(app);
      for (const id of ids) {
        const outcome = await releaseQuarantined(app.ctx, id);
        if (outcome.status === "released") console.log(`✓ #${id} released: ${outcome.records} record(s) in ${outcome.payloads} payload(s) on their way`);
        else {
          process.exitCode = 1;
          if (outcome.status === "not_found") console.error(`✗ no quarantine entry #${id}`);
          else if (outcome.status === "already_resolved") console.error(`✗ #${id} was already released (${outcome.resolvedAt})`);
          else
            console.error(
              `✗ #${id} still fails validation, kept: ${outcome.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ")}`,
            );
        }
      }
    } finally {
      await app.close();
    }
  });

  withAppOptions(group.command("purge [ids...]").description("delete entries for good: the ids given, or those --released and/or --before a time"))
    .option("--released", "only entries already released")
    .option("--before <time>", "only entries quarantined before this time (2026-12-01, or 30d ago)")
    .action(async (rawIds: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<AppCommandOptions & { released?: boolean; before?: string }>();
      const ids = rawIds.map((id) => parseEntryId(id, "quarantine"));
      const before = options.before ? parseTime(options.before, "--before") : undefined;
      if (ids.length === 0 && !options.released && before === undefined) {
        throw new UserError(ErrorCodes.ARGUMENT_INVALID, "say which quarantine entries to purge", {
          hint: "Give ids (tributary quarantine purge 6 7), or select with --released and/or --before 30d.",
        });
      }
      const app = await loadApp(options, quietLog());
      try {
        const purged = await app.ctx.store.purgeQuarantine({
          ...(ids.length > 0 ? { ids } : {}),
          ...(options.released ? { resolvedOnly: true } : {}),
          ...(before ? { before } : {}),
        });
        console.log(`✓ purged ${purged} quarantine entr${purged === 1 ? "y" : "ies"}`);
      } finally {
        await app.close();
      }
    });
  return group;
}

/** `quarantine show`: the entry, its record and raw payload, and a word on what was stored redacted. */
export function quarantineEntryText(entry: QuarantinedRecord): string {
  return [
    describe(entry),
    ...(entry.resolved_at ? [`released ${entry.resolved_at}`] : []),
    `record:\n${indent(JSON.stringify(entry.record, null, 2))}`,
    `raw provider payload:\n${indent(JSON.stringify(entry.raw, null, 2))}`,
    ...(containsRedaction(entry.raw) || containsRedaction(entry.record) ? [REDACTION_NOTE] : []),
  ].join("\n");
}

/** Why a value reads "[redacted]", and what that means for a release. */
const REDACTION_NOTE = `secrets (tokens, signatures, a URL's token parameter) were stored as ${REDACTED}; release maps what is kept (the records fetched or pushed), never the secrets`;

function notFound(id: number): UserError {
  return new UserError(ErrorCodes.ARGUMENT_INVALID, `no quarantine entry #${id}`, { hint: "tributary quarantine list --all shows the ids." });
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}

function describe(record: QuarantinedRecord): string {
  const head = `#${record.id}  ${record.created_at}  ${record.provider ?? "-"} ${record.data_type ?? "-"}  user ${record.user_id ?? "-"}`;
  return [head, ...record.issues.map((issue) => `    ${issue.message}`)].join("\n");
}
