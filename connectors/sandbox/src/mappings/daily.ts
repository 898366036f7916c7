import { TimestampLocalization, UploadType, type Daily } from "@tributary/schemas";
import type { SandboxDailySummary } from "../provider/records.ts";
import { dayNumberOfIsoDate, isoDate, localMidnightMs } from "../time/local-time.ts";
import { terraMidnight, terraTimestamp, terraTimestampFromUnix } from "../time/terra-timestamp.ts";
import { mapDevice } from "./device.ts";
import type { SandboxMapOptions } from "./options.ts";
import { HR_CONTEXT_ACTIVE, HR_CONTEXT_NOT_ACTIVE, stressLevel } from "./terra-codes.ts";

/** A sandbox daily summary → Terra Daily, covering local midnight to the next local midnight. */
export function mapDaily(summary: SandboxDailySummary, options: SandboxMapOptions): Daily {
  const offset = summary.utcOffsetMinutes;
  const day = dayNumberOfIsoDate(summary.calendarDate);
  const midnightMs = localMidnightMs(day, offset);
  const intraday = options.withSamples ? summary.intraday : undefined;
  const bucketStart = (j: number) => terraTimestamp(midnightMs + j * (intraday?.bucketMinutes ?? 15) * 60_000, offset);
  const meters = summary.distanceKm * 1000;

  let stepsSoFar = 0;
  // Cumulative series stamped at each bucket's start, counting that bucket (Terra sends running totals).
  const stepSamples = intraday?.steps.map((steps, j) => {
    stepsSoFar += steps;
    return { timestamp: bucketStart(j), steps: stepsSoFar };
  });
  const distanceSamples = stepSamples?.map((sample) => ({
    timestamp: sample.timestamp,
    distance_meters: Math.round(((meters * sample.steps) / Math.max(1, summary.steps)) * 10) / 10,
  }));

  return {
    metadata: {
      start_time: terraMidnight(summary.calendarDate, offset),
      end_time: terraMidnight(isoDate(day + 1), offset),
      upload_type: UploadType.code("Automatic"),
      timestamp_localization: TimestampLocalization.code("Local"),
    },
    distance_data: {
      steps: summary.steps,
      distance_meters: Math.round(meters * 10) / 10,
      floors_climbed: summary.floorsClimbed,
      ...(stepSamples && distanceSamples ? { detailed: { step_samples: stepSamples, distance_samples: distanceSamples } } : {}),
    },
    calories_data: {
      total_burned_calories: summary.caloriesOut,
      net_activity_calories: summary.activityCalories,
      BMR_calories: summary.caloriesBmr,
    },
    active_durations_data: {
      activity_seconds: (summary.minutes.lightlyActive + summary.minutes.fairlyActive + summary.minutes.veryActive) * 60,
      inactivity_seconds: summary.minutes.sedentary * 60,
      rest_seconds: summary.minutes.asleep * 60,
      low_intensity_seconds: summary.minutes.lightlyActive * 60,
      moderate_intensity_seconds: summary.minutes.fairlyActive * 60,
      vigorous_intensity_seconds: summary.minutes.veryActive * 60,
      num_continuous_inactive_periods: summary.inactivePeriods,
    },
    heart_rate_data: {
      summary: {
        avg_hr_bpm: summary.heartRate.avg,
        min_hr_bpm: summary.heartRate.min,
        max_hr_bpm: summary.heartRate.max,
        resting_hr_bpm: summary.heartRate.resting,
      },
      ...(intraday
        ? {
            detailed: {
              hr_samples: intraday.heartRate.flatMap((bpm, j) =>
                bpm === null ? [] : [{ timestamp: bucketStart(j), bpm, context: intraday.inWorkout[j] ? HR_CONTEXT_ACTIVE : HR_CONTEXT_NOT_ACTIVE }],
              ),
            },
          }
        : {}),
    },
    stress_data: {
      avg_stress_level: summary.stress.avg,
      max_stress_level: summary.stress.max,
      stress_rating: stressLevel(summary.stress.avg),
      rest_stress_duration_seconds: summary.stress.restSeconds,
      low_stress_duration_seconds: summary.stress.lowSeconds,
      medium_stress_duration_seconds: summary.stress.mediumSeconds,
      high_stress_duration_seconds: summary.stress.highSeconds,
      activity_stress_duration_seconds: summary.stress.activitySeconds,
      stress_duration_seconds: summary.stress.lowSeconds + summary.stress.mediumSeconds + summary.stress.highSeconds,
      ...(intraday
        ? {
            samples: intraday.stress.flatMap((level, j) => (level === null ? [] : [{ timestamp: bucketStart(j), level }])),
            body_battery_samples: intraday.bodyBattery.map((level, j) => ({ timestamp: bucketStart(j), level })),
          }
        : {}),
    },
    MET_data: {
      avg_level: summary.avgMet,
      num_inactive_minutes: summary.minutes.sedentary,
      num_low_intensity_minutes: summary.minutes.lightlyActive,
      num_moderate_intensity_minutes: summary.minutes.fairlyActive,
      num_high_intensity_minutes: summary.minutes.veryActive,
    },
    oxygen_data: {
      ...(summary.avgSpo2 !== null ? { avg_saturation_percentage: summary.avgSpo2 } : {}),
      vo2max_ml_per_min_per_kg: summary.vo2max,
    },
    scores: { activity: summary.scores.activity, recovery: summary.scores.recovery, sleep: summary.scores.sleep },
    ...(summary.tags.length > 0
      ? { tag_data: { tags: summary.tags.map((tag) => ({ timestamp: terraTimestampFromUnix(tag.at, offset), tag_name: tag.label, notes: tag.note })) } }
      : {}),
    device_data: mapDevice(summary.device, ["STEPS", "DISTANCE", "CALORIES", "HEART_RATE", "ACTIVE_MINUTES", "BMR"]),
  };
}
