import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The PELOTON connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** The two members of the fixtures (Peloton user ids are 32 hex digits). */
export const RILEY = "19b4722da494c08b0b0c130cd89ab344";
export const SAM = "91c14d3cd8f128b4f55f792023cbef6d";

/** Workout ids of the fixtures, by what they are. The first three are Peloton's own recordings, moved to March 2026. */
export const WORKOUT = {
  cycling: "5fca3563974aad11404a7e8b52fa3e64",
  treadWalk: "ef2ad2a34b9b7c7f644edb31df2ddf85",
  row: "d1cfe9ea341b1bfd6e83cdf605e64314",
  outdoorRun: "a54122fd1cbc57b22c2edafa4fe7660c",
  outdoorWalk: "f215143d9fef39c55d6cdc10cd431f48",
  strength: "8538419fe634aaed0ea1bdf8c10d362e",
  meditation: "03d5c3d8b5b86b06572e96b90369ba8e",
  yoga: "98c278b2dbdf6460cb0d84af1cedeacf",
  stretching: "e298bdaedf5c1ac7346c19c6d604b2bc",
  cardio: "878b42fd8cfdb6b91c3aa5a0649c29d2",
  bikeBootcamp: "edb34abf9da6fb42a03173c5e9df8c64",
  treadBootcamp: "651c07d8dc86465831f6603804d28a8f",
  rowBootcamp: "774db18aca393a48a2ad9c791de10e1c",
  inProgress: "208983d69d3e7508b401fa01f7e8cc02",
  februaryYoga: "30463922f6138d02380970052289f759",
  samRide: "5d2c8c7240e664fd341fd0af0b0a7b2c",
} as const;

/** The window the recordings were made for: March 2026, [from, to). */
export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const peloton = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const pelotonFixtures = (definition = peloton()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

export function fixtureWorkouts(fixtures: SpecFixtures): Record<string, unknown>[] {
  return Object.values(fixtures.streams!.workouts!.records as Record<string, Record<string, unknown>[]>).flat();
}

/** A list workout as a pull hands it to the mapping: its two detail answers attached (`workout`, `performance_graph`). */
export function withDetails(fixtures: SpecFixtures, record: Record<string, unknown>): Record<string, unknown> {
  const user = fixtures.users.find((u) => String(u.id) === record.user_id)!;
  const details = fixtures.streams!.workouts!.details!;
  return { ...record, workout: details.workout!(record, user), performance_graph: details.performance_graph!(record, user) };
}

/** Maps one fixture workout (by id) with its details, as the connector delivers it. */
export async function mapWorkout(fixtures: SpecFixtures, id: string, definition = peloton()): Promise<any> {
  const record = fixtureWorkouts(fixtures).find((w) => w.id === id);
  if (!record) throw new Error(`no fixture workout ${id}`);
  const outcomes = await createRecordMapper(definition, { userId: "test-user", providerUserId: String(record.user_id) }).map(
    "activity",
    "activity",
    withDetails(fixtures, record),
  );
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record") throw new Error(`workout ${id} did not map to one record: ${JSON.stringify(outcomes)}`);
  return outcomes[0]!.record;
}
