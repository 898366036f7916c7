import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { peloton, RILEY } from "./peloton.ts";

/**
 * Shapes Peloton really answers that our fixtures do not have, rewritten in our own values. Public
 * clients model /api/me's `birthday` as "any object" (a C# client) and `location` as optional (a Java
 * client): a member who never filled them in gets null.
 */
describe("PELOTON real answer shapes", () => {
  it("a member whose /api/me has null location, birthday, names and gender is delivered with what there is", async () => {
    const outcomes = await createRecordMapper(peloton(), { userId: "test-user", providerUserId: RILEY }).map("athlete", "athlete", {
      id: RILEY,
      username: "quiet_rider",
      first_name: null,
      last_name: null,
      email: "quiet.rider@example.com",
      gender: null,
      location: null,
      birthday: null,
      created_at: 1767225600,
      height: 70.0,
      weight: 170.0,
      customized_heart_rate_zones: [],
      instructor_id: null,
    });
    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: "record",
        record: { provider_user_id: RILEY, email: "quiet.rider@example.com", account_creation_date: "2026-01-01T00:00:00.000000+00:00" },
      }),
    ]);
  });
});
