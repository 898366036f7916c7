import { testConnector } from "@tributary/test-kit/connector";
import { INES, MARCH, withings, withingsFixtures } from "./withings.ts";

testConnector(withings, { fixtures: () => withingsFixtures(), user: INES, window: MARCH });
