import { testConnector } from "@tributary/test-kit/connector";
import { JONAS, MARCH, whoop, whoopFixtures } from "./whoop.ts";

testConnector(whoop, { fixtures: () => whoopFixtures(), user: JONAS, window: MARCH });
