import { it, expect } from "vitest";
import plugin from "../src/index.ts";
import { testContext } from "./test-context.ts";
it("unreachable", async () => {
  const d = plugin.create({ projectId: "p", host: "127.0.0.1:1" }, testContext("x"));
  const t = Date.now();
  const e = await d.check().catch((x: unknown) => x);
  console.log(Date.now() - t, (e as any).code, (e as any).errorClass, (e as any).message);
  const e2 = await d.write([{ payload: { type: "auth", user: { user_id: "u" } }, traceId: "t", orderingTimestamp: 1 }]).catch((x: unknown) => x);
  console.log(Date.now() - t, (e2 as any).code, (e2 as any).errorClass, (e2 as any).message);
  await d.close();
}, 120000);
