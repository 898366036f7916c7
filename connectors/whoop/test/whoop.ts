import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The WHOOP connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** WHOOP user ids of the fixtures: Jonas at +01:00, Mia in New York. */
export const JONAS = "10129";
export const MIA = "20488";

/** The sleep of the night to 10 March, and the cycle it opens. */
export const SLEEP_OF_THE_10TH = "ecfc6a15-4661-442f-a9a4-f160dd7afae8";
export const CYCLE_OF_THE_10TH = 93810;
export const WORKOUT = {
  run: "3f1c2b7a-0d4e-4c5f-9a8b-7e6d5c4b3a21",
  lift: "7c6b5a49-3827-4165-9483-726150493827",
  pending: "0e1d2c3b-4a59-4687-9765-a4b3c2d1e0f9",
} as const;

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
export const WEEK = { start: new Date("2026-03-09T00:00:00Z"), end: new Date("2026-03-16T00:00:00Z") };

export const whoop = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const whoopFixtures = (definition = whoop()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

export function fixtureRecords(fixtures: SpecFixtures, stream: string, user = JONAS): Record<string, unknown>[] {
  return (fixtures.streams![stream]!.records as Record<string, Record<string, unknown>[]>)[user] ?? [];
}

export async function mapAll(dataType: string, record: Record<string, unknown>, user = JONAS, definition = whoop()) {
  return createRecordMapper(definition, { userId: "test-user", providerUserId: user }).map(dataType, dataType, record);
}

export async function mapOne(dataType: string, record: Record<string, unknown>, user = JONAS, definition = whoop()): Promise<any> {
  const outcomes = await mapAll(dataType, record, user, definition);
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record")
    throw new Error(`${dataType} did not map to one record: ${JSON.stringify(outcomes).slice(0, 2000)}`);
  return outcomes[0]!.record;
}
