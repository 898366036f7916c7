import { expect, expectTypeOf, it } from "vitest";
import type { Activity, Athlete, DataEvent, DataType, EventType, Model, SleepEvent, TerraUser, WebhookEvent } from "../src/index.ts";

// Compile-time checks: expectTypeOf does nothing at run time; `pnpm typecheck` (part of `pnpm test`)
// checks these files, and the @ts-expect-error lines fail it if a mismatch ever stopped being caught.
// The TS types come from the same TypeBox definitions as the schemas.
it("webhook events narrow on `type`", () => {
  const describe = (event: WebhookEvent): string => {
    switch (event.type) {
      case "activity":
        expectTypeOf(event.data).toEqualTypeOf<Activity[]>();
        // @ts-expect-error an activity event carries activities, not athletes
        expectTypeOf(event.data).toEqualTypeOf<Athlete[]>();
        return event.data[0]?.metadata.summary_id ?? "";
      case "athlete":
        expectTypeOf(event.athlete).toEqualTypeOf<Athlete>();
        return event.user.user_id;
      case "auth":
        expectTypeOf(event.status).toEqualTypeOf<"success" | "error">();
        return event.status === "success" ? event.user.provider : event.reason;
      case "s3_payload":
      case "s3_upload":
        return event.url;
      default:
        return event.type;
    }
  };
  expectTypeOf(describe).returns.toEqualTypeOf<string>();
  // And the narrowing at run time.
  expect(describe({ type: "s3_payload", url: "https://bucket.example/payload.json" } as WebhookEvent)).toBe("https://bucket.example/payload.json");
  // @ts-expect-error a TerraUser's user_id is a string
  expectTypeOf<TerraUser["user_id"]>().toEqualTypeOf<number>();
  expectTypeOf<WebhookEvent["type"]>().toEqualTypeOf<EventType>();
  expectTypeOf<DataEvent<"sleep">>().toEqualTypeOf<SleepEvent>();
  expectTypeOf<Model<"activity">>().toEqualTypeOf<Activity>();
  expectTypeOf<DataEvent["type"]>().toEqualTypeOf<DataType>();
  expectTypeOf<TerraUser["user_id"]>().toEqualTypeOf<string>();
  expectTypeOf<TerraUser["scopes"]>().toEqualTypeOf<string | null | undefined>();
});
