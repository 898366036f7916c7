import { describe, expect, it } from "vitest";
import { mapOne } from "./fitbit.ts";

/**
 * Shapes Fitbit really answers that our fixtures (written from the Web API reference) do not have,
 * rewritten in our own values after answers public clients kept as samples or comments (an auto-detected
 * walk without distance, heart rate or source; a food log in ounces and sandwiches).
 */
const BERLIN = { timezone: "Europe/Berlin" };

describe("FITBIT real answer shapes", () => {
  it("an auto-detected walk with no distance, distanceUnit, heart rate or source, as a FHIR converter kept it", async () => {
    const walk = await mapOne("activity", {
      activeDuration: 1_500_000,
      activityLevel: [
        { minutes: 2, name: "sedentary" },
        { minutes: 10, name: "lightly" },
        { minutes: 3, name: "fairly" },
        { minutes: 10, name: "very" },
      ],
      activityName: "Walk",
      activityTypeId: 90013,
      calories: 198,
      duration: 1_500_000,
      elevationGain: 0,
      lastModified: "2026-03-11T19:30:00.000Z",
      logId: 61000000001,
      logType: "auto_detected",
      manualValuesSpecified: { calories: false, distance: false, steps: false },
      originalDuration: 1_500_000,
      originalStartTime: "2026-03-10T12:05:00.000+01:00",
      startTime: "2026-03-10T12:05:00.000+01:00",
      steps: 1760,
    });
    expect(walk.metadata).toMatchObject({
      type: 7,
      upload_type: 1,
      start_time: "2026-03-10T12:05:00.000000+01:00",
      end_time: "2026-03-10T12:30:00.000000+01:00",
    });
    expect(walk.active_durations_data).toEqual({
      activity_seconds: 1500,
      rest_seconds: 0,
      inactivity_seconds: 120,
      low_intensity_seconds: 600,
      moderate_intensity_seconds: 180,
      vigorous_intensity_seconds: 600,
    });
    expect(walk.distance_data).toEqual({ summary: { steps: 1760, elevation: { gain_actual_meters: 0 } } });
    expect(walk.movement_data).toBeUndefined();
    expect(walk.heart_rate_data).toBeUndefined();
  });

  it("foods in Fitbit's own unit names (oz, sandwich), one without nutritionalValues: every food a meal, ounces as ounces", async () => {
    const day = await mapOne("nutrition", {
      date: "2026-03-11",
      profile: BERLIN,
      foods: [
        {
          isFavorite: false,
          logDate: "2026-03-11",
          logId: 71000000001,
          loggedFood: {
            accessLevel: "PUBLIC",
            amount: 1,
            brand: "",
            calories: 480,
            foodId: 28001,
            locale: "de_DE",
            mealTypeId: 3,
            name: "Cheese sandwich",
            unit: { id: 296, name: "sandwich", plural: "sandwiches" },
            units: [296, 226, 147],
          },
          nutritionalValues: { calories: 480, carbs: 42, fat: 24.5, fiber: 2, protein: 21.5, sodium: 790 },
        },
        {
          isFavorite: true,
          logDate: "2026-03-11",
          logId: 71000000002,
          loggedFood: {
            accessLevel: "PUBLIC",
            amount: 2,
            brand: "",
            calories: 330,
            foodId: 28002,
            mealTypeId: 7,
            name: "Almonds",
            unit: { id: 226, name: "oz", plural: "oz" },
            units: [226, 147],
          },
        },
      ],
      summary: { calories: 810, carbs: 54, fat: 53, fiber: 9, protein: 33.5, sodium: 790, water: 0 },
    });
    expect(day.meals).toHaveLength(2);
    expect(day.meals[0]).toMatchObject({ name: "Cheese sandwich", type: 3, quantity: { amount: 1, unit: 0 }, macros: { calories: 480, protein_g: 21.5 } });
    // Without nutritionalValues the food still says its calories (loggedFood.calories).
    expect(day.meals[1]).toMatchObject({ name: "Almonds", type: 6, quantity: { amount: 2, unit: 9 }, macros: { calories: 330 } });
  });
});
