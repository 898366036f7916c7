import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  getSchemaRegistry,
  MOCK_PROVIDER_SCHEMA_ID,
  MOCK_STREAM_FIXTURE_SCHEMA_ID,
  MOCK_URLS_SCHEMA_ID,
  MOCK_USERS_SCHEMA_ID,
  closestName,
  type ConnectorSpec,
  type MockProviderFile,
  type MockUrlsFile,
  type MockUsersFile,
  type StreamFixtureFile,
  type StreamSpec,
} from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { readPointer } from "../spec/pointer.ts";
import type { SpecFixtures, StreamFixture } from "./mock-from-spec.ts";
import type { TransactionFixture } from "./transaction-server.ts";

/** The file of the provider's accounts in a fixtures folder. */
export const MOCK_USERS_FILE = "users.json";
/** The answers at URLs pushes name. */
export const MOCK_URLS_FILE = "urls.json";
/** How the provider answers where the spec does not say. */
export const MOCK_PROVIDER_FILE = "provider.json";

/**
 * Reads a connector's fixtures folder into what `mockFromSpec` serves: `users.json` (the accounts), one
 * `<stream name>.json` per pull stream (its records, and the answers of its detail requests keyed by
 * record id), optionally `urls.json` (answers at URLs pushes name) and `provider.json` (error bodies,
 * what a 429 carries). Every file is checked against its schema and against the spec — a file for a
 * stream the spec does not have, an answer for a detail it does not declare — so a fixture cannot
 * silently serve nothing. Other files (a README) are left alone.
 */
export async function loadMockFixtures(dir: string, spec: ConnectorSpec): Promise<SpecFixtures> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith(".json")).map((entry) => entry.name);
  } catch (cause) {
    throw invalid(`cannot read the fixtures folder ${dir}: ${(cause as Error).message}`, cause);
  }
  if (!names.includes(MOCK_USERS_FILE)) throw invalid(`${join(dir, MOCK_USERS_FILE)} is missing: the mock needs the provider's accounts`);

  const streams = new Map(
    Object.values(spec.streams ?? {})
      .flat()
      .map((stream) => [stream.name, stream]),
  );
  const fixtures: SpecFixtures = { users: await readChecked<MockUsersFile>(join(dir, MOCK_USERS_FILE), MOCK_USERS_SCHEMA_ID) };
  const byStream: Record<string, StreamFixture> = {};
  if (names.includes(MOCK_URLS_FILE)) fixtures.urls = await readChecked<MockUrlsFile>(join(dir, MOCK_URLS_FILE), MOCK_URLS_SCHEMA_ID);
  if (names.includes(MOCK_PROVIDER_FILE)) fixtures.provider = await readChecked<MockProviderFile>(join(dir, MOCK_PROVIDER_FILE), MOCK_PROVIDER_SCHEMA_ID);
  for (const name of names.sort()) {
    if (name === MOCK_USERS_FILE || name === MOCK_URLS_FILE || name === MOCK_PROVIDER_FILE) continue;
    const streamName = basename(name, ".json");
    const stream = streams.get(streamName);
    const file = join(dir, name);
    if (!stream) {
      const close = closestName(streamName, [...streams.keys()]);
      throw invalid(
        `${file}: ${spec.name} has no stream named "${streamName}"${close ? ` (did you mean "${close}.json"?)` : ""}; fixture files are ${MOCK_USERS_FILE}, ${MOCK_URLS_FILE}, ${MOCK_PROVIDER_FILE} and <stream name>.json`,
      );
    }
    byStream[streamName] = streamFixture(await readChecked<StreamFixtureFile>(file, MOCK_STREAM_FIXTURE_SCHEMA_ID), stream, file);
  }
  if (Object.keys(byStream).length > 0) fixtures.streams = byStream;
  return fixtures;
}

function streamFixture(file: StreamFixtureFile, stream: StreamSpec, where: string): StreamFixture {
  const { details, emptyDetails, transaction, ...rest } = file;
  const fixture: StreamFixture = { ...rest };
  if (transaction) fixture.transaction = transactionFixture(transaction, stream, where);
  if (details === undefined && emptyDetails === undefined) return fixture;
  const declared = new Set((stream.details ?? []).map((detail) => detail.name));
  const undeclared = (field: string, name: string) =>
    invalid(
      `${where}: ${field}.${name} answers a detail stream "${stream.name}" does not request (it requests ${[...declared].map((d) => `"${d}"`).join(", ") || "none"})`,
    );
  for (const name of Object.keys(emptyDetails ?? {})) if (!declared.has(name)) throw undeclared("emptyDetails", name);
  fixture.details = {};
  for (const name of new Set([...Object.keys(details ?? {}), ...Object.keys(emptyDetails ?? {})])) {
    if (!declared.has(name)) throw undeclared("details", name);
    const answers = details?.[name] ?? {};
    const empty = emptyDetails !== undefined && Object.hasOwn(emptyDetails, name) ? { answer: emptyDetails[name] } : undefined;
    // A record without an answer is one the provider has nothing for: its empty answer, else a 404.
    fixture.details[name] = (record) => {
      const id = readPointer(record, stream.id);
      if (id !== undefined && id !== null && Object.hasOwn(answers, String(id))) return answers[String(id)];
      return empty === undefined ? undefined : structuredClone(empty.answer);
    };
  }
  return fixture;
}

function transactionFixture(file: NonNullable<StreamFixtureFile["transaction"]>, stream: StreamSpec, where: string): TransactionFixture {
  const { parts, ...rest } = file;
  if (!stream.transaction) throw invalid(`${where}: transaction serves a transaction stream, and "${stream.name}" opens none`);
  if (parts === undefined) return rest;
  const declared = new Set((stream.transaction.parts ?? []).map((part) => part.name));
  const answered: NonNullable<TransactionFixture["parts"]> = {};
  for (const [name, answers] of Object.entries(parts)) {
    if (!declared.has(name))
      throw invalid(
        `${where}: transaction.parts.${name} answers a part stream "${stream.name}" does not fetch (it fetches ${[...declared].map((d) => `"${d}"`).join(", ") || "none"})`,
      );
    answered[name] = (record) => {
      const id = readPointer(record, stream.id);
      return id !== undefined && id !== null && Object.hasOwn(answers, String(id)) ? structuredClone(answers[String(id)]) : undefined;
    };
  }
  return { ...rest, parts: answered };
}

async function readChecked<T>(file: string, schemaId: string): Promise<T> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw invalid(`${file} is not JSON: ${(cause as Error).message}`, cause);
  }
  const result = getSchemaRegistry().validate(schemaId, data);
  if (!result.ok) throw invalid(`${file}: ${result.issues.map((issue) => issue.message).join("; ")}`);
  return data as T;
}

function invalid(message: string, cause?: unknown): UserError {
  return new UserError(ErrorCodes.MOCK_INVALID, message, {
    hint: "Fix the fixtures folder: users.json (the provider's accounts) and <stream name>.json per stream — see docs/connectors.md.",
    ...(cause !== undefined ? { cause } : {}),
  });
}
