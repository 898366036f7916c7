import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The GARMIN connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Garmin user ids (numbers at Garmin; the provider user id is their text). */
export const NOOR = "4aacafe82427c251df9c9592d0c06768";
export const ELI = "7c1e0b9a4f2d4e8b9a6c3d2e1f0a9b8c";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const garmin = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const garminFixtures = (definition = garmin()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);
