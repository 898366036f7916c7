import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  getSchemaRegistry,
  MOCK_STREAM_FIXTURE_SCHEMA_ID,
  MOCK_USERS_SCHEMA_ID,
  closestName,
  type ConnectorSpec,
  type MockUsersFile,
  type StreamFixtureFile,
  type StreamSpec,
} from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { readPointer } from "../spec/pointer.ts";
import type { SpecFixtures, StreamFixture } from "./mock-from-spec.ts";

/** The file of the provider's accounts in a fixtures folder. */
export const MOCK_USERS_FILE = "users.json";

/**
 * Reads a connector's fixtures folder into what `mockFromSpec` serves: `users.json` (the accounts) and
 * one `<stream name>.json` per pull stream (its records, and the answers of its detail requests keyed
 * by record id). Every file is checked against its schema and against the spec — a file for a stream
 * the spec does not have, an answer for a detail it does not declare — so a fixture cannot silently
 * serve nothing. Other files (a README) are left alone.
 */
export async function loadMockFixtures(dir: string, spec: ConnectorSpec): Promise<SpecFixtures> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith(".json")).map((entry) => entry.name);
  } catch (cause) {
    throw invalid(`cannot read the fixtures folder ${dir}: ${(cause as Error).message}`, cause);
  }
  if (!names.includes(MOCK_USERS_FILE)) throw invalid(`${join(dir, MOCK_USERS_FILE)} is missing: the mock needs the provider's accounts`);

  const streams = new Map(Object.values(spec.streams ?? {}).flat().map((stream) => [stream.name, stream]));
  const fixtures: SpecFixtures = { users: await readChecked<MockUsersFile>(join(dir, MOCK_USERS_FILE), MOCK_USERS_SCHEMA_ID) };
  const byStream: Record<string, StreamFixture> = {};
  for (const name of names.sort()) {
    if (name === MOCK_USERS_FILE) continue;
    const streamName = basename(name, ".json");
    const stream = streams.get(streamName);
    const file = join(dir, name);
    if (!stream) {
      const close = closestName(streamName, [...streams.keys()]);
      throw invalid(`${file}: ${spec.name} has no stream named "${streamName}"${close ? ` (did you mean "${close}.json"?)` : ""}; fixture files are ${MOCK_USERS_FILE} and <stream name>.json`);
    }
    byStream[streamName] = streamFixture(await readChecked<StreamFixtureFile>(file, MOCK_STREAM_FIXTURE_SCHEMA_ID), stream, file);
  }
  if (Object.keys(byStream).length > 0) fixtures.streams = byStream;
  return fixtures;
}

function streamFixture(file: StreamFixtureFile, stream: StreamSpec, where: string): StreamFixture {
  const { details, ...rest } = file;
  const fixture: StreamFixture = { ...rest };
  if (details === undefined) return fixture;
  const declared = new Set((stream.details ?? []).map((detail) => detail.name));
  fixture.details = {};
  for (const [name, answers] of Object.entries(details)) {
    if (!declared.has(name)) {
      throw invalid(`${where}: details.${name} answers a detail stream "${stream.name}" does not request (it requests ${[...declared].map((d) => `"${d}"`).join(", ") || "none"})`);
    }
    // A record without an answer is one the provider has nothing for: the mock answers 404.
    fixture.details[name] = (record) => {
      const id = readPointer(record, stream.id);
      return id === undefined || id === null || !Object.hasOwn(answers, String(id)) ? undefined : answers[String(id)];
    };
  }
  return fixture;
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
