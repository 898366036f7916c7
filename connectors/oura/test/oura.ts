import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The OURA connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Oura user ids (personal_info `id`) of the fixtures: Noor in Amsterdam, Kai in New York. */
export const NOOR = "2c9f6a1e-oura-0001";
export const KAI = "7d41b0aa-oura-0002";

export const WORKOUT = { ride: "9e7d1c2b-3a4f-4b6e-8d0c-1f2e3a4b5c6d", yoga: "c4d5e6f7-yoga-0316", walk: "d1e2f3a4-walk-0330" } as const;
export const NIGHT_OF_THE_10TH = "5b0c2f7e-9d5a-4c1f-8f0e-6a1b7c3d9e21";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
export const WEEK = { start: new Date("2026-03-09T00:00:00Z"), end: new Date("2026-03-16T00:00:00Z") };

export const oura = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const ouraFixtures = (definition = oura()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

export function fixtureRecords(fixtures: SpecFixtures, stream: string, user = NOOR): Record<string, unknown>[] {
  return (fixtures.streams![stream]!.records as Record<string, Record<string, unknown>[]>)[user] ?? [];
}

/** A fixture record with its detail answers attached (each detail's `select` applied), as a pull hands it to the mapping. */
export function withDetails(fixtures: SpecFixtures, stream: string, record: Record<string, unknown>, user = NOOR): Record<string, unknown> {
  const who = fixtures.users.find((u) => String(u.id) === user)!;
  const out: Record<string, unknown> = { ...record };
  for (const [name, answer] of Object.entries(fixtures.streams![stream]!.details ?? {})) {
    const got = answer(record, who) as { data?: unknown[] } | undefined;
    if (got === undefined) continue;
    out[name] = name === "heartrate" ? got.data : got.data?.[0];
  }
  return out;
}

export async function mapOne(dataType: string, record: Record<string, unknown>, user = NOOR, definition = oura()): Promise<any> {
  const outcomes = await createRecordMapper(definition, { userId: "test-user", providerUserId: user }).map(dataType, dataType, record);
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record")
    throw new Error(`${dataType} did not map to one record: ${JSON.stringify(outcomes).slice(0, 2000)}`);
  return outcomes[0]!.record;
}
