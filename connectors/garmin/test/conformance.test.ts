import { testConnector } from "@tributary/test-kit/connector";
import { NOOR, MARCH, garmin, garminFixtures } from "./garmin.ts";

testConnector(garmin, { fixtures: () => garminFixtures(), user: NOOR, window: MARCH });
