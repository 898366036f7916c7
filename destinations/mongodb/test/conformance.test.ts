import { testDestination } from "@tributary/test-kit";
import { afterAll, beforeAll } from "vitest";
import { MongoHarness } from "./harness.ts";
import { startMongoTarget, type MongoTarget } from "./mongo-target.ts";

let target: MongoTarget | undefined;
const harness = new MongoHarness(() => {
  if (!target) throw new Error("MongoDB target not started");
  return target;
});

beforeAll(async () => {
  target = await startMongoTarget();
  console.info(`mongodb destination conformance runs against: ${target.kind}`);
});

afterAll(async () => {
  await harness.close();
  await target?.close();
});

testDestination("mongodb", harness);
