import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The WAHOO connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Wahoo user ids (numbers at Wahoo; the provider user id is their text). */
export const SAM = "60462";
export const LEA = "60517";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const wahoo = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const wahooFixtures = (definition = wahoo()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);
