import { testConnector } from "@tributary/test-kit/connector";
import { NOOR, MARCH, oura, ouraFixtures } from "./oura.ts";

testConnector(oura, { fixtures: () => ouraFixtures(), user: NOOR, window: MARCH, mockOptions: { errors: "oura" } });
