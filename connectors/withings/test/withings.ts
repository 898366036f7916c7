import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The WITHINGS connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Withings user ids (numbers written as text in the token answer and in notifications). */
export const INES = "31873629";
export const MARC = "31873644";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const withings = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const withingsFixtures = (definition = withings()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);
