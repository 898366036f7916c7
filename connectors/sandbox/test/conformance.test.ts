import { testConnector } from "@tributary/test-kit/connector";
import sandbox from "../src/index.ts";

testConnector(sandbox, { window: { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-08T00:00:00Z") } });
