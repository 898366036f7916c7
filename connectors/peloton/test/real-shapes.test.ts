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
  it("a performance graph whose series hold null seconds (Peloton's recorded tread run has them in pace) keeps the workout, those seconds left out", async () => {
    const outcomes = await createRecordMapper(peloton(), { userId: "test-user", providerUserId: RILEY }).map("activity", "activity", {
      id: "5e0d1c2b3a4f4b6e8d0c1f2e3a4b5c6d",
      status: "COMPLETE",
      fitness_discipline: "cycling",
      device_type: "home_bike_v2",
      is_outdoor: false,
      created_at: 1773153600,
      start_time: 1773153660,
      end_time: 1773153664,
      timezone: "Etc/GMT+5",
      total_work: 1000.0,
      ride: { title: "5 sec test ride" },
      workout: { device_type_display_name: "Bike+" },
      performance_graph: {
        seconds_since_pedaling_start: [1, 2, 3, 4],
        average_summaries: [],
        summaries: [{ display_name: "Calories", display_unit: "kcal", value: 1, slug: "calories" }],
        metrics: [
          { slug: "output", display_unit: "watts", average_value: 250, max_value: 260, values: [240, null, 260, 250] },
          { slug: "heart_rate", display_unit: "bpm", average_value: 120, max_value: 122, values: [118, null, 0, 122] },
        ],
        location_data: [],
      },
    });
    expect(outcomes).toHaveLength(1);
    const ride = (outcomes[0] as { record: any }).record;
    expect(ride.metadata.start_time).toBe("2026-03-10T09:41:00.000000-05:00");
    // Null and 0 (no strap reading) seconds are not heart-rate samples.
    expect(ride.heart_rate_data.detailed.hr_samples).toEqual([
      { timestamp: "2026-03-10T09:41:01.000000-05:00", bpm: 118 },
      { timestamp: "2026-03-10T09:41:04.000000-05:00", bpm: 122 },
    ]);
    expect(ride.power_data.power_samples).toHaveLength(3);
  });
});
