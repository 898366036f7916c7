import { CommandError, badValue, notImplemented } from "../command-error.ts";
import { checkFilter } from "../filter.ts";
import { applyOperators, replaced, updateKind, upserted } from "../update.ts";
import { deepClone, isDocument, valuesEqual, type Doc } from "../values.ts";
import { collectionName, type CommandContext, type CommandHandler } from "./context.ts";

function statements(ctx: CommandContext, field: string): Doc[] {
  const value = ctx.command[field];
  if (!Array.isArray(value) || !value.every(isDocument)) throw badValue(`${ctx.name}.${field} must be an array of objects`);
  return value;
}

/**
 * Run each statement, turning its failure into a `writeErrors` entry as mongod does; an ordered
 * command stops at the first failure, an unordered one carries on.
 */
function eachStatement(ctx: CommandContext, list: Doc[], run: (statement: Doc, index: number) => void): Doc[] {
  const ordered = ctx.command.ordered !== false;
  const writeErrors: Doc[] = [];
  for (const [index, statement] of list.entries()) {
    try {
      run(statement, index);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      writeErrors.push(error.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

const withErrors = (reply: Doc, writeErrors: Doc[]): Doc => ({ ...reply, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 });

function insert(ctx: CommandContext): Doc {
  const { collection } = ctx.server.store.ensureCollection(ctx.db, collectionName(ctx));
  let n = 0;
  const writeErrors = eachStatement(ctx, statements(ctx, "documents"), (doc) => {
    collection.insert(deepClone(doc));
    n += 1;
  });
  return withErrors({ n }, writeErrors);
}

function update(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const store = ctx.server.store;
  let n = 0;
  let nModified = 0;
  const upsertedIds: Doc[] = [];
  const writeErrors = eachStatement(ctx, statements(ctx, "updates"), (statement, index) => {
    const filter = statement.q ?? {};
    const change = statement.u;
    if (!isDocument(filter)) throw badValue("q must be an object");
    checkFilter(filter);
    const kind = updateKind(change);
    const changeDoc = change as Doc;
    if (statement.multi && kind === "replacement") throw new CommandError(9, "FailedToParse", "multi update is not supported for replacement-style update");
    if (statement.arrayFilters !== undefined) throw notImplemented("arrayFilters");
    if (statement.collation !== undefined) throw notImplemented("collation");
    const collection = store.collection(ctx.db, name);
    const matched = collection?.select(filter) ?? [];
    const targets = statement.multi ? matched : matched.slice(0, 1);
    if (targets.length === 0) {
      if (!statement.upsert) return;
      const doc = upserted(filter, changeDoc, kind);
      store.ensureCollection(ctx.db, name).collection.insert(doc);
      n += 1;
      upsertedIds.push({ index, _id: doc._id });
      return;
    }
    for (const old of targets) {
      const next = kind === "replacement" ? replaced(old, changeDoc) : applyOperators(old, changeDoc, false);
      n += 1;
      if (!valuesEqual(old, next)) {
        collection!.replace(old, next);
        nModified += 1;
      }
    }
  });
  return withErrors({ n, nModified, ...(upsertedIds.length > 0 ? { upserted: upsertedIds } : {}) }, writeErrors);
}

function remove(ctx: CommandContext): Doc {
  const collection = ctx.server.store.collection(ctx.db, collectionName(ctx));
  let n = 0;
  const writeErrors = eachStatement(ctx, statements(ctx, "deletes"), (statement) => {
    const filter = statement.q ?? {};
    if (!isDocument(filter)) throw badValue("q must be an object");
    if (statement.collation !== undefined) throw notImplemented("collation");
    checkFilter(filter);
    const matched = collection?.select(filter) ?? [];
    const targets = Number(statement.limit) === 1 ? matched.slice(0, 1) : matched;
    for (const doc of targets) collection!.remove(doc);
    n += targets.length;
  });
  return withErrors({ n }, writeErrors);
}

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove };
