import { testConnector } from "@tributary/test-kit/connector";
import { AVA, MARCH, polar, polarFixtures } from "./polar.ts";

// AccessLink serves the last 30 days: the fixtures' March is read as of its end.
testConnector(polar, { fixtures: () => polarFixtures(), user: AVA, window: MARCH, now: () => Date.parse("2026-03-31T12:00:00Z") });
