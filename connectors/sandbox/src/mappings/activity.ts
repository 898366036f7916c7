import { TimestampLocalization, UploadType, type Activity, type DeviceDataType, type LapSample } from "@tributary/schemas";
import type { SandboxWorkout } from "../provider/records.ts";
import { terraTimestamp } from "../time/terra-timestamp.ts";
import { mapDevice } from "./device.ts";
import type { SandboxMapOptions } from "./options.ts";
import { ACTIVITY_TYPE, HR_CONTEXT_ACTIVE, LAP_TRIGGER } from "./terra-codes.ts";
import { round } from "../numbers.ts";

const ZONE_NAMES = ["Rest", "Warm Up", "Easy", "Aerobic", "Threshold", "Maximum"] as const;

/** Minutes per kilometre at a speed in m/s. */
const pace = (metersPerSecond: number) => round(1000 / metersPerSecond / 60, 2);

/** A sandbox workout → Terra Activity. Samples come from the workout's streams when asked for. */
export function mapActivity(workout: SandboxWorkout, options: SandboxMapOptions): Activity {
  const { utcOffsetMinutes: offset, streams } = workout;
  const startMs = workout.startedAt * 1000;
  const at = (elapsedSeconds: number) => terraTimestamp(startMs + elapsedSeconds * 1000, offset);
  const samples = options.withSamples && streams ? streams : null;
  const timestamps = samples ? samples.elapsed.map(at) : [];
  const onFoot = workout.sport === "run" || workout.sport === "walk";

  const activity: Activity = {
    metadata: {
      summary_id: workout.id,
      name: workout.title,
      type: ACTIVITY_TYPE[workout.sport],
      upload_type: UploadType.code("Automatic"),
      start_time: at(0),
      end_time: at(workout.elapsedSeconds),
      timestamp_localization: TimestampLocalization.code("Local"),
      city: workout.location?.city ?? null,
      state: workout.location?.region ?? null,
      country: workout.location?.country ?? null,
    },
    active_durations_data: {
      activity_seconds: workout.movingSeconds,
      rest_seconds: workout.pausedSeconds,
      low_intensity_seconds: Math.round(workout.intensityMinutes.low * 60),
      moderate_intensity_seconds: Math.round(workout.intensityMinutes.moderate * 60),
      vigorous_intensity_seconds: Math.round(workout.intensityMinutes.vigorous * 60),
    },
    calories_data: {
      total_burned_calories: round(workout.calories + workout.bmrCalories, 1),
      net_activity_calories: workout.calories,
      BMR_calories: workout.bmrCalories,
    },
    heart_rate_data: {
      summary: {
        avg_hr_bpm: workout.heartRate.avg,
        min_hr_bpm: workout.heartRate.min,
        max_hr_bpm: workout.heartRate.max,
        resting_hr_bpm: workout.heartRate.resting,
        user_max_hr_bpm: workout.heartRate.userMax,
        hr_zone_data: workout.hrZones.map((zone) => ({
          zone: zone.zone,
          name: ZONE_NAMES[zone.zone] ?? `Zone ${zone.zone}`,
          start_percentage: Math.round((zone.minBpm / workout.heartRate.userMax) * 100),
          end_percentage: Math.min(100, Math.round((zone.maxBpm / workout.heartRate.userMax) * 100)),
          duration_seconds: zone.seconds,
        })),
      },
      ...(samples
        ? {
            detailed: {
              hr_samples: samples.heartrate.map((bpm, i) => ({
                timestamp: timestamps[i] ?? null,
                bpm,
                timer_duration_seconds: samples.timer[i] ?? null,
                context: HR_CONTEXT_ACTIVE,
              })),
            },
          }
        : {}),
    },
    MET_data: {
      avg_level: workout.avgMet,
      num_low_intensity_minutes: workout.intensityMinutes.low,
      num_moderate_intensity_minutes: workout.intensityMinutes.moderate,
      num_high_intensity_minutes: workout.intensityMinutes.vigorous,
      num_inactive_minutes: round(workout.pausedSeconds / 60, 1),
    },
    device_data: mapDevice(workout.device, deviceDataProvided(workout)),
  };

  if (workout.distanceMeters !== null) {
    let cumulativeSteps = 0;
    activity.distance_data = {
      summary: {
        distance_meters: workout.distanceMeters,
        ...(workout.steps !== null ? { steps: workout.steps } : {}),
        ...(workout.elevation
          ? {
              elevation: {
                avg_meters: workout.elevation.avg,
                min_meters: workout.elevation.min,
                max_meters: workout.elevation.max,
                gain_actual_meters: workout.elevation.gain,
                loss_actual_meters: workout.elevation.loss,
              },
            }
          : {}),
        ...(workout.swim
          ? { swimming: { num_laps: workout.swim.lengths, num_strokes: workout.swim.strokes, pool_length_meters: workout.swim.poolLengthMeters } }
          : {}),
      },
      ...(samples?.distance
        ? {
            detailed: {
              distance_samples: samples.distance.map((meters, i) => ({
                timestamp: timestamps[i] ?? null,
                distance_meters: meters,
                timer_duration_seconds: samples.timer[i] ?? null,
              })),
              ...(samples.altitude
                ? {
                    elevation_samples: samples.altitude.map((meters, i) => ({
                      timestamp: timestamps[i] ?? null,
                      elev_meters: meters,
                      timer_duration_seconds: samples.timer[i] ?? null,
                    })),
                  }
                : {}),
              ...(onFoot && samples.cadence
                ? {
                    // Terra's step samples are running totals; the provider streams a cadence.
                    step_samples: samples.cadence.map((spm, i) => {
                      const sample = { timestamp: timestamps[i] ?? null, steps: Math.round(cumulativeSteps), timer_duration_seconds: samples.timer[i] ?? null };
                      cumulativeSteps += (spm * ((samples.timer[i + 1] ?? 0) - (samples.timer[i] ?? 0))) / 60;
                      return sample;
                    }),
                  }
                : {}),
            },
          }
        : {}),
    };
  }

  if (workout.speed || workout.cadence) {
    activity.movement_data = {
      ...(workout.speed
        ? {
            avg_speed_meters_per_second: workout.speed.avg,
            max_speed_meters_per_second: workout.speed.max,
            ...(onFoot ? { avg_pace_minutes_per_kilometer: pace(workout.speed.avg), max_pace_minutes_per_kilometer: pace(workout.speed.max) } : {}),
          }
        : {}),
      ...(workout.cadence ? { avg_cadence_rpm: workout.cadence.avg, max_cadence_rpm: workout.cadence.max } : {}),
      ...(samples?.speed
        ? {
            speed_samples: samples.speed.map((v, i) => ({
              timestamp: timestamps[i] ?? null,
              speed_meters_per_second: v,
              timer_duration_seconds: samples.timer[i] ?? null,
            })),
          }
        : {}),
      ...(samples?.cadence
        ? {
            cadence_samples: samples.cadence.map((c, i) => ({
              timestamp: timestamps[i] ?? null,
              cadence_rpm: c,
              timer_duration_seconds: samples.timer[i] ?? null,
            })),
          }
        : {}),
    };
  }

  if (workout.power) {
    const { avg, max, normalized, ftp } = workout.power;
    const intensityFactor = normalized / ftp;
    activity.power_data = {
      avg_watts: avg,
      max_watts: max,
      ...(samples?.watts
        ? {
            power_samples: samples.watts.map((watts, i) => ({
              timestamp: timestamps[i] ?? null,
              watts,
              timer_duration_seconds: samples.timer[i] ?? null,
            })),
          }
        : {}),
    };
    activity.TSS_data = {
      TSS_samples: [
        {
          actual: round(((workout.movingSeconds * normalized * intensityFactor) / (ftp * 3600)) * 100, 1),
          method: "Power",
          intensity_factor_actual: round(intensityFactor, 2),
          normalized_power_watts: normalized,
        },
      ],
    };
  }
  if (workout.kilojoules !== null) {
    activity.energy_data = { energy_kilojoules: workout.kilojoules };
    activity.work_data = { work_kilojoules: workout.kilojoules };
  }

  if (workout.startLatLng && workout.midLatLng && workout.endLatLng) {
    activity.position_data = {
      start_pos_lat_lng_deg: workout.startLatLng,
      center_pos_lat_lng_deg: workout.midLatLng,
      end_pos_lat_lng_deg: workout.endLatLng,
      ...(samples?.latlng
        ? {
            position_samples: samples.latlng.map((coords, i) => ({
              timestamp: timestamps[i] ?? null,
              coords_lat_lng_deg: coords,
              timer_duration_seconds: samples.timer[i] ?? null,
            })),
          }
        : {}),
    };
  }
  if (workout.summaryPolyline) activity.polyline_map_data = { summary_polyline: workout.summaryPolyline };

  if (workout.laps.length > 0) {
    activity.lap_data = {
      laps: workout.laps.map(
        (lap): LapSample => ({
          start_time: at(lap.startOffset),
          end_time: at(lap.endOffset),
          distance_meters: lap.distanceMeters,
          calories: lap.calories,
          avg_hr_bpm: lap.avgHeartRate,
          avg_speed_meters_per_second: lap.avgSpeed,
          avg_watts: lap.avgWatts,
          total_strokes: lap.strokes,
          stroke_type: lap.strokeStyle,
          active_duration_seconds: Math.round(lap.movingSeconds),
          trigger_method: LAP_TRIGGER[lap.trigger],
        }),
      ),
    };
  }
  if (workout.vo2max !== null) activity.oxygen_data = { vo2max_ml_per_min_per_kg: workout.vo2max };
  return activity;
}

function deviceDataProvided(workout: SandboxWorkout): DeviceDataType[] {
  const provided: DeviceDataType[] = ["HEART_RATE", "CALORIES"];
  if (workout.distanceMeters !== null) provided.push("DISTANCE");
  if (workout.steps !== null) provided.push("STEPS");
  if (workout.speed) provided.push("SPEED");
  if (workout.cadence) provided.push("CADENCE");
  return provided;
}
