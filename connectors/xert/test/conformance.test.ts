import { testConnector } from "@tributary/test-kit/connector";
import { JORDAN, MARCH, xert, xertFixtures } from "./xert.ts";

testConnector(xert, { fixtures: () => xertFixtures(), user: JORDAN, window: MARCH, mockOptions: { errors: "xert" } });
