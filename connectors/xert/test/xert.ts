import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createRecordMapper } from "@tributary/core/authoring";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The XERT connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Xert names no user id: the login is the account. */
export const JORDAN = "jordan.rivers";
export const CASEY = "casey.hill";

/** Activity paths (Xert's ids) of the fixtures. */
export const ACTIVITY = {
  gpsRide: "dc5670e06814de2c",
  trainer: "276506538d4022f0",
  run: "93e1c648a49a3fb2",
  manual: "b5e76a833044b99e",
  bare: "fbb667573ed857ee",
  february: "04dfdb933b96691c",
  casey: "c2606b8cce902b75",
} as const;

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const xert = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const xertFixtures = (definition = xert()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

export function fixtureActivities(fixtures: SpecFixtures): Record<string, unknown>[] {
  return Object.values(fixtures.streams!.activities!.records as Record<string, Record<string, unknown>[]>).flat();
}

/** Maps one fixture activity (by path) with its detail attached, as the connector delivers it. */
export async function mapActivity(fixtures: SpecFixtures, path: string, definition = xert()): Promise<any> {
  const owner = Object.entries(fixtures.streams!.activities!.records as Record<string, Record<string, unknown>[]>).find(([, list]) =>
    list.some((a) => a.path === path),
  );
  if (!owner) throw new Error(`no fixture activity ${path}`);
  const record = owner[1].find((a) => a.path === path)!;
  const user = fixtures.users.find((u) => String(u.id) === owner[0])!;
  const detail = fixtures.streams!.activities!.details!.detail!(record, user);
  const outcomes = await createRecordMapper(definition, { userId: "test-user", providerUserId: owner[0] }).map("activity", "activity", { ...record, detail });
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record")
    throw new Error(`activity ${path} did not map to one record: ${JSON.stringify(outcomes).slice(0, 2000)}`);
  return outcomes[0]!.record;
}
