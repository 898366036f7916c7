import { testConnector } from "@tributary/test-kit/connector";
import { ADA, insiders, insidersFixtures, MARCH } from "./insiders.ts";

testConnector(insiders, { fixtures: () => insidersFixtures(), user: ADA, window: MARCH });
