import { testConnector } from "@tributary/test-kit/connector";
import { LENA, WEEK, fitbit, fitbitFixtures } from "./fitbit.ts";

testConnector(fitbit, { fixtures: () => fitbitFixtures(), user: LENA, window: WEEK, mockOptions: { errors: "fitbit" } });
