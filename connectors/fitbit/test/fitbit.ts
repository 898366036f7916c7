import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The FITBIT connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Fitbit user ids of the fixtures: Lena lives in Berlin, Sam in New York. */
export const LENA = "GGNJL9";
export const SAM = "7Q2ZXP";

/** The week the recordings were made for: 9–15 March 2026, [from, to). */
export const WEEK = { start: new Date("2026-03-09T00:00:00Z"), end: new Date("2026-03-16T00:00:00Z") };
export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const fitbit = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const fitbitFixtures = (definition = fitbit()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

/** The records of one stream's fixture for a user. */
export function fixtureRecords(fixtures: SpecFixtures, stream: string, user: string): Record<string, unknown>[] {
  return (fixtures.streams![stream]!.records as Record<string, Record<string, unknown>[]>)[user] ?? [];
}

/** The user's profile as the once detail attaches it (`select: /user`). */
export function profileOf(fixtures: SpecFixtures, user: string): Record<string, unknown> {
  return (fixtures.users.find((u) => String(u.id) === user)!.profile as { user: Record<string, unknown> }).user;
}

/** Maps one provider record as a pull hands it over (details attached by the caller), expecting one record. */
export async function mapOne(dataType: string, record: Record<string, unknown>, user = LENA, definition = fitbit()): Promise<any> {
  const outcomes = await createRecordMapper(definition, { userId: "test-user", providerUserId: user }).map(dataType, dataType, record);
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record")
    throw new Error(`${dataType} did not map to one record: ${JSON.stringify(outcomes).slice(0, 2000)}`);
  return outcomes[0]!.record;
}
