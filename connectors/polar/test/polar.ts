import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadMockFixtures, type SpecFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile, type ConnectorDefinition } from "@tributary/core/spec";

/** The POLAR connector folder, its definition and its mock fixtures, as its tests read them. */
export const CONNECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES_DIR = join(CONNECTOR_DIR, "fixtures");
export const RECORDINGS_DIR = join(CONNECTOR_DIR, "recordings");

/** Polar user ids (numbers at Polar; the provider user id is their text). */
export const AVA = "475220";
export const TOM = "475301";

export const MARCH = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

export const polar = (): ConnectorDefinition => loadConnectorFile(CONNECTOR_DIR);

export const polarFixtures = (definition = polar()): Promise<SpecFixtures> => loadMockFixtures(FIXTURES_DIR, definition.spec);
