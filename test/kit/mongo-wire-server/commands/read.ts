import { badValue, notImplemented } from "../command-error.ts";
import { runPipeline } from "../aggregate.ts";
import { checkFilter } from "../filter.ts";
import { project } from "../projection.ts";
import { sortDocuments } from "../sort.ts";
import { isDocument, toNumber, type Doc } from "../values.ts";
import { collectionName, type CommandContext, type CommandHandler } from "./context.ts";

function filterOf(value: unknown, field: string): Doc {
  if (value === undefined || value === null) return {};
  if (!isDocument(value)) throw badValue(`${field} must be an object`);
  return value;
}

function selected(ctx: CommandContext, filter: Doc): Doc[] {
  if (ctx.command.collation !== undefined) throw notImplemented("collation");
  checkFilter(filter);
  return ctx.server.store.collection(ctx.db, collectionName(ctx))?.select(filter) ?? [];
}

function find(ctx: CommandContext): Doc {
  const { command } = ctx;
  let docs = sortDocuments(selected(ctx, filterOf(command.filter, "filter")), command.sort);
  if (command.skip !== undefined) docs = docs.slice(toNumber(command.skip));
  const limit = command.limit === undefined ? 0 : toNumber(command.limit);
  if (limit !== 0) docs = docs.slice(0, Math.abs(limit));
  docs = docs.map((d) => project(d, command.projection));
  return ctx.server.cursors.firstBatch(`${ctx.db}.${collectionName(ctx)}`, docs, command.batchSize, Boolean(command.singleBatch) || limit < 0);
}

function count(ctx: CommandContext): Doc {
  let docs = selected(ctx, filterOf(ctx.command.query, "query"));
  if (ctx.command.skip !== undefined) docs = docs.slice(toNumber(ctx.command.skip));
  const limit = ctx.command.limit === undefined ? 0 : Math.abs(toNumber(ctx.command.limit));
  return { n: limit > 0 ? Math.min(limit, docs.length) : docs.length, ok: 1 };
}

function aggregate(ctx: CommandContext): Doc {
  const { command } = ctx;
  if (command.aggregate === 1) throw notImplemented("database-level aggregate");
  if (command.explain) throw notImplemented("explain");
  const docs = runPipeline(selected(ctx, {}), command.pipeline);
  const cursor = isDocument(command.cursor) ? command.cursor : {};
  return ctx.server.cursors.firstBatch(`${ctx.db}.${collectionName(ctx)}`, docs, cursor.batchSize);
}

function getMore(ctx: CommandContext): Doc {
  const collection = ctx.command.collection;
  if (typeof collection !== "string") throw badValue("getMore needs a collection name");
  return ctx.server.cursors.getMore(ctx.command.getMore, `${ctx.db}.${collection}`, ctx.command.batchSize);
}

function killCursors(ctx: CommandContext): Doc {
  const ids = ctx.command.cursors;
  if (!Array.isArray(ids)) throw badValue("killCursors needs a cursors array");
  return ctx.server.cursors.kill(ids);
}

export const readCommands: Record<string, CommandHandler> = { find, count, aggregate, getMore, killCursors };
