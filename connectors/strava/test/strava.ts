import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The STRAVA connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Athlete ids of the fixtures. */
export const MAYA = "48213377";
export const OSKAR = "51900214";

/** Activity ids of the fixtures, by what they are. */
export const ACTIVITY = {
  ride: 17001000001,
  run: 17001000002,
  virtualRide: 17001000003,
  manualGym: 17001000004,
  summerTimeRun: 17001000005,
  february: 16990000001,
  oskarHike: 17002000001,
} as const;

/** The window the recordings were made for: March 2026, [from, to). */
export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

/** The subscription id of the examples' pushes. */
export const SUBSCRIPTION_ID = "281034";

export const strava = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const stravaFixtures = (definition = strava()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

export function fixtureActivities(fixtures: SpecFixtures): Record<string, unknown>[] {
  return Object.values(fixtures.streams!.activities!.records as Record<string, Record<string, unknown>[]>).flat();
}

/** A list activity as a pull hands it to the mapping: its detail and (recorded activities) its streams attached. */
export function withDetails(fixtures: SpecFixtures, record: Record<string, unknown>): Record<string, unknown> {
  const owner = String((record.athlete as { id: number }).id);
  const user = fixtures.users.find((u) => String(u.id) === owner)!;
  const details = fixtures.streams!.activities!.details!;
  const streams = record.manual === false ? details.streams!(record, user) : undefined;
  return { ...record, detail: details.detail!(record, user), ...(streams !== undefined ? { streams } : {}) };
}

/** Maps one fixture activity (by id) with its details, as the connector delivers it. */
export async function mapActivity(fixtures: SpecFixtures, id: number, definition = strava()): Promise<any> {
  const record = fixtureActivities(fixtures).find((a) => a.id === id);
  if (!record) throw new Error(`no fixture activity ${id}`);
  const owner = String((record.athlete as { id: number }).id);
  const outcomes = await createRecordMapper(definition, { userId: "test-user", providerUserId: owner }).map(
    "activity",
    "activity",
    withDetails(fixtures, record),
  );
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record")
    throw new Error(`activity ${id} did not map to one record: ${JSON.stringify(outcomes).slice(0, 2000)}`);
  return outcomes[0]!.record;
}
