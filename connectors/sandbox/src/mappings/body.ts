import { TimestampLocalization, type Body, type MeasurementDataSample } from "@tributary/schemas";
import type { SandboxBodyDay, SandboxMeasure, SandboxMeasureGroup } from "../provider/records.ts";
import { dayNumberOfIsoDate, isoDate } from "../time/local-time.ts";
import { terraMidnight, terraTimestampFromUnix } from "../time/terra-timestamp.ts";
import { mapDevice } from "./device.ts";
import type { SandboxMapOptions } from "./options.ts";
import { GLUCOSE_TREND, HR_CONTEXT_NOT_ACTIVE, glucoseFlag } from "./terra-codes.ts";
import { round } from "../numbers.ts";

/** Decodes a Withings-style fixed-point measure: value × 10^unit. */
function read(group: SandboxMeasureGroup, type: SandboxMeasure["type"]): number | undefined {
  const found = group.measures.find((m) => m.type === type);
  return found === undefined ? undefined : found.value * 10 ** found.unit;
}

function average(values: ReadonlyArray<number | null | undefined>): number | null {
  const present = values.filter((v): v is number => typeof v === "number");
  return present.length === 0 ? null : round(present.reduce((sum, v) => sum + v, 0) / present.length, 2);
}

function measurement(group: SandboxMeasureGroup, offset: number): MeasurementDataSample {
  const weight = read(group, "weight");
  const heightM = read(group, "height");
  const fatFree = read(group, "fat_free_mass");
  const water = read(group, "hydration");
  const kg = (value: number | undefined) => (value === undefined ? null : round(value * 1000, 0));
  return {
    measurement_time: terraTimestampFromUnix(group.takenAt, offset),
    weight_kg: weight === undefined ? null : round(weight, 2),
    height_cm: heightM === undefined ? null : round(heightM * 100, 1),
    BMI: weight !== undefined && heightM ? round(weight / heightM ** 2, 1) : null,
    bodyfat_percentage: read(group, "fat_ratio") ?? null,
    lean_mass_g: kg(fatFree),
    muscle_mass_g: kg(read(group, "muscle_mass")),
    bone_mass_g: kg(read(group, "bone_mass")),
    water_percentage: water !== undefined && weight ? round((water / weight) * 100, 1) : null,
    BMR: read(group, "basal_metabolic_rate") ?? null,
    visceral_fat_level: read(group, "visceral_fat") ?? null,
  };
}

/** A sandbox day of measurements → Terra Body for that local day. */
export function mapBody(body: SandboxBodyDay, options: SandboxMapOptions): Body {
  const offset = body.utcOffsetMinutes;
  const scale = body.measureGroups.filter((g) => g.source === "scale");
  const pressure = body.measureGroups.filter((g) => g.source === "bp_monitor");
  const measurements = scale.map((g) => measurement(g, offset));
  const bpSamples = pressure.map((g) => ({
    timestamp: terraTimestampFromUnix(g.takenAt, offset),
    systolic_bp: read(g, "systolic") ?? null,
    diastolic_bp: read(g, "diastolic") ?? null,
  }));
  const pulses = pressure.map((g) => ({ at: g.takenAt, bpm: read(g, "heart_pulse") })).filter((p): p is { at: number; bpm: number } => p.bpm !== undefined);
  const [primary, ...others] = body.devices;
  const record: Body = {
    metadata: {
      start_time: terraMidnight(body.calendarDate, offset),
      end_time: terraMidnight(isoDate(dayNumberOfIsoDate(body.calendarDate) + 1), offset),
      timestamp_localization: TimestampLocalization.code("Local"),
    },
  };

  if (measurements.length > 0) {
    record.measurements_data = {
      measurements,
      day_avg_weight_kg: average(measurements.map((m) => m.weight_kg)),
      day_avg_bmi: average(measurements.map((m) => m.BMI)),
      day_avg_bodyfat_percentage: average(measurements.map((m) => m.bodyfat_percentage)),
      day_avg_height_cm: average(measurements.map((m) => m.height_cm)),
      day_avg_lean_mass_g: average(measurements.map((m) => m.lean_mass_g)),
      day_avg_muscle_mass_g: average(measurements.map((m) => m.muscle_mass_g)),
      day_avg_bone_mass_g: average(measurements.map((m) => m.bone_mass_g)),
      day_avg_water_percentage: average(measurements.map((m) => m.water_percentage)),
      day_avg_bmr: average(measurements.map((m) => m.BMR)),
      day_avg_visceral_fat_level: average(measurements.map((m) => m.visceral_fat_level)),
    };
  }
  if (bpSamples.length > 0) {
    record.blood_pressure_data = {
      blood_pressure_samples: bpSamples,
      day_avg_systolic_bp: average(bpSamples.map((s) => s.systolic_bp)),
      day_avg_diastolic_bp: average(bpSamples.map((s) => s.diastolic_bp)),
    };
  }
  if (pulses.length > 0) {
    const bpms = pulses.map((p) => p.bpm);
    record.heart_data = {
      heart_rate_data: {
        summary: { avg_hr_bpm: average(bpms), min_hr_bpm: Math.min(...bpms), max_hr_bpm: Math.max(...bpms) },
        ...(options.withSamples
          ? { detailed: { hr_samples: pulses.map((p) => ({ timestamp: terraTimestampFromUnix(p.at, offset), bpm: p.bpm, context: HR_CONTEXT_NOT_ACTIVE })) } }
          : {}),
      },
    };
  }
  if (body.glucose) {
    const { avgMgDl, timeInRangePercent, readings } = body.glucose;
    record.glucose_data = {
      day_avg_blood_glucose_mg_per_dL: avgMgDl,
      time_in_range: timeInRangePercent,
      // Glucose management indicator (Bergenstal 2018): estimated HbA1c from mean glucose.
      gmi: round(3.31 + 0.02392 * avgMgDl, 1),
      ...(options.withSamples && readings
        ? {
            blood_glucose_samples: readings.map((r) => ({
              timestamp: terraTimestampFromUnix(r.at, offset),
              blood_glucose_mg_per_dL: r.mgDl,
              glucose_level_flag: glucoseFlag(r.mgDl),
              trend_arrow: GLUCOSE_TREND[r.trend],
            })),
          }
        : {}),
    };
  }
  if (primary) record.device_data = mapDevice(primary, [], others);
  return record;
}
