import { testConnector } from "@tributary/test-kit/connector";
import { MARCH, MAYA, strava, stravaFixtures, SUBSCRIPTION_ID } from "./strava.ts";

testConnector(strava, { fixtures: () => stravaFixtures(), user: MAYA, window: MARCH, webhook: { options: { subscription_id: SUBSCRIPTION_ID } } });
