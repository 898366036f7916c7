import { DATA_TYPES, closestName, isDataType } from "@tributary/schemas";
import { specPath, type SpecPath } from "../spec-problem.ts";
import type { Check } from "./check.ts";
import { actionDataTypes } from "../action-data-types.ts";
import { specActions, specStreams } from "./spec-parts.ts";

const carriesRecords = (action: string) => action === "records" || action === "pull_url";

/**
 * Every served data type is produced (a stream, or a push that carries its records) and mapped; every
 * name a part refers to exists; every stream is either requested or read by a hook; nothing declared
 * goes unused.
 */
export const checkDataFlow: Check = ({ spec, hooks }, report) => {
  const streams = specStreams(spec);
  const actions = specActions(spec);
  const mappings = spec.mappings ?? {};
  const mapHooks = hooks.map ?? {};
  const served = new Set<string>(spec.dataTypes);
  const hasMapping = (name: string) => Object.hasOwn(mappings, name) || Object.hasOwn(mapHooks, name);
  const usedMappings = new Set<string>();

  for (const dataType of Object.keys(spec.streams ?? {})) {
    if (!served.has(dataType)) report(["streams", dataType], `"${dataType}" is not in dataTypes — add it there, or remove these streams`, true);
  }

  const streamNames = new Map<string, SpecPath>();
  for (const { stream, path } of streams) {
    const first = streamNames.get(stream.name);
    if (first)
      report(
        [...path, "name"],
        `"${stream.name}" already names ${specPath(first)}; stream names are unique in a connector (they key checkpoints and recordings)`,
      );
    else streamNames.set(stream.name, path);
  }

  for (const { dataType, stream, path } of streams) {
    const read = hooks.read?.[stream.name];
    if (!stream.request && !stream.transaction && !read)
      report(
        [...path, "request"],
        `required — the request that pulls this stream's records, a transaction (what is new since the last commit), or, in a TypeScript connector, a read hook named "${stream.name}"`,
      );
    if (read && stream.transaction)
      report([...path, "transaction"], `never opened: the read hook "${stream.name}" produces this stream's records — remove the transaction or the hook`);
    if (read) {
      if (stream.request)
        report([...path, "request"], `never sent: the read hook "${stream.name}" produces this stream's records — remove the request or the hook`);
      if (stream.paging) report([...path, "paging"], `never used: the read hook "${stream.name}" pages by itself — remove it`);
      if (stream.records !== undefined) report([...path, "records"], `never used: the read hook "${stream.name}" yields records one by one — remove it`);
    }
    const mapping = stream.mapping ?? dataType;
    usedMappings.add(mapping);
    if (hasMapping(mapping)) continue;
    if (stream.mapping !== undefined)
      report(
        [...path, "mapping"],
        `no mapping named "${mapping}"${suggest(mapping, Object.keys(mappings))} — add mappings.${mapping}, or a map hook of that name`,
      );
    else report(path, `no mapping for its ${dataType} records — add mappings.${dataType}, or name another mapping with \`mapping\``);
  }

  for (const { action, path } of actions) {
    const listed = Array.isArray((action as { dataType?: unknown }).dataType);
    actionDataTypes(action).forEach((dataType, i) => {
      const at = listed ? [...path, "dataType", i] : [...path, "dataType"];
      if (!isDataType(dataType)) {
        report(at, `"${dataType}" is not a known data type (expected one of ${DATA_TYPES.join(", ")})`);
        return;
      }
      if (!served.has(dataType)) {
        report(at, `"${dataType}" is not in dataTypes — add it there, or handle this event otherwise`);
        return;
      }
      if (carriesRecords(action.action)) {
        const mapping = (action as { mapping?: string }).mapping;
        usedMappings.add(mapping ?? dataType);
        if (mapping !== undefined) {
          if (!hasMapping(mapping))
            report(
              [...path, "mapping"],
              `no mapping named "${mapping}"${suggest(mapping, Object.keys(mappings))} — add mappings.${mapping}, or a map hook of that name`,
            );
        } else if (!hasMapping(dataType)) report(path, `no mapping for the ${dataType} records this event brings — add mappings.${dataType}`);
      }
      if (action.action === "pull_window" && (spec.streams?.[dataType]?.length ?? 0) === 0) {
        report(
          listed ? at : [...path, "action"],
          `pull_window needs a stream that pulls ${dataType} — add streams.${dataType}, or carry the records in the push (action: records)`,
        );
      }
    });
  }

  spec.dataTypes.forEach((dataType, i) => {
    const pulled = (spec.streams?.[dataType]?.length ?? 0) > 0;
    const pushed = actions.some(({ action }) => carriesRecords(action.action) && actionDataTypes(action).includes(dataType));
    if (!pulled && !pushed)
      report(
        ["dataTypes", i],
        `nothing produces ${dataType} records — add streams.${dataType}, or a webhook event that brings them (action: records or pull_url)`,
      );
  });

  for (const name of Object.keys(mappings)) {
    if (Object.hasOwn(mapHooks, name)) report(["mappings", name], `both this mapping and a map hook are named "${name}" — remove one`, true);
    else if (!usedMappings.has(name))
      report(
        ["mappings", name],
        `never used: no stream names it in \`mapping\`, and no data type or webhook event of that name brings records — use it or remove it`,
        true,
      );
  }
  for (const name of Object.keys(mapHooks)) {
    if (!usedMappings.has(name))
      report(
        ["hooks", "map", name],
        `never called: no stream names "${name}" in \`mapping\`, and no data type or webhook event of that name brings records`,
        true,
      );
  }
  for (const kind of ["read", "transform"] as const) {
    for (const name of Object.keys(hooks[kind] ?? {})) {
      if (!streamNames.has(name)) report(["hooks", kind, name], `never called: no stream is named "${name}"${suggest(name, [...streamNames.keys()])}`, true);
    }
  }
};

function suggest(name: string, known: readonly string[]): string {
  const close = closestName(name, known);
  return close === undefined ? "" : ` (did you mean "${close}"?)`;
}
