import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The INSIDERS connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

export const ADA = "usr_7Hq2Lm";
export const BOB = "usr_3Vx9Kp";

/** The window the recordings were made for: March 2026, [start, end). */
export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const insiders = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const insidersFixtures = (definition = insiders()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);

/** A fixture activity as a pull hands it to the mapping: the list record with its samples attached (the stream's detail, `select: /samples`). */
export function withSamples(fixtures: SpecFixtures, record: Record<string, unknown>): Record<string, unknown> {
  const answer = fixtures.streams?.activities?.details?.samples?.(record, fixtures.users[0]!) as { samples?: unknown } | undefined;
  return answer?.samples === undefined ? record : { ...record, samples: answer.samples };
}

export function fixtureActivities(fixtures: SpecFixtures): Record<string, unknown>[] {
  const records = fixtures.streams?.activities?.records as Record<string, Record<string, unknown>[]>;
  return Object.values(records).flat();
}
