import { testConnector } from "@tributary/test-kit/connector";
import { MARCH, SAM, wahoo, wahooFixtures, withCdn, workoutFiles } from "./wahoo.ts";

// The workouts' FIT files are on Wahoo's CDN, which the spec allows and no test reaches: answered here.
testConnector(wahoo, { fixtures: () => wahooFixtures(), user: SAM, window: MARCH, transport: (toMock) => withCdn(toMock, workoutFiles()) });
