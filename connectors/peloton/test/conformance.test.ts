import { testConnector } from "@tributary/test-kit/connector";
import { MARCH, peloton, pelotonFixtures, RILEY } from "./peloton.ts";

testConnector(peloton, { fixtures: () => pelotonFixtures(), user: RILEY, window: MARCH, mockOptions: { errors: "peloton" } });
