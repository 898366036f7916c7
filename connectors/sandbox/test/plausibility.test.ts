import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sandboxProfile, type SandboxProfile } from "../src/index.ts";
import { distanceBetween } from "../src/generators/loop-route.ts";
import { decodePolyline } from "../src/generators/polyline.ts";
import { pull, TERRA_TIMESTAMP, utcDays, type Json } from "./run-pull.ts";

/** Two fixed users (reproducible) and a fresh one per run (wider coverage); failures name the user. */
const USERS = ["sandbox-plausibility-a", "sandbox-plausibility-b", randomUUID()];
const RANGE = utcDays("2026-05-01", 45);

const ms = (timestamp: string) => Date.parse(timestamp);

function firstUser(predicate: (profile: SandboxProfile) => boolean): string {
  for (let i = 0; i < 500; i++) {
    const userId = `sandbox-plausibility-${i}`;
    if (predicate(sandboxProfile(userId))) return userId;
  }
  throw new Error("no sandbox user matches");
}

function expectNonDecreasing(values: number[], label: string) {
  for (let i = 1; i < values.length; i++) expect(values[i]!, `${label} at ${i}`).toBeGreaterThanOrEqual(values[i - 1]!);
}

describe.each(USERS)("SANDBOX activity for %s", (userId) => {
  it("has plausible summaries, samples, tracks and laps", async () => {
    const home = sandboxProfile(userId).home;
    const activities = (await pull("activity", userId, RANGE)) as Json[];
    expect(activities.length).toBeGreaterThan(5);
    const perDay = new Map<string, number>();
    for (const a of activities) {
      const label = `${userId} ${a.metadata.summary_id} (${a.metadata.name})`;
      const start = ms(a.metadata.start_time);
      const end = ms(a.metadata.end_time);
      perDay.set(a.metadata.start_time.slice(0, 10), (perDay.get(a.metadata.start_time.slice(0, 10)) ?? 0) + 1);
      expect([1, 7, 8, 18, 80, 82], label).toContain(a.metadata.type);
      expect(a.metadata.upload_type).toBe(1);
      expect(end - start, label).toBeGreaterThanOrEqual(15 * 60_000);
      expect(end - start, label).toBeLessThanOrEqual(5 * 3600_000);

      const hr = a.heart_rate_data;
      const bpms: number[] = hr.detailed.hr_samples.map((s: Json) => s.bpm);
      for (const bpm of bpms) expect(bpm >= 40 && bpm <= 200, `${label} bpm ${bpm}`).toBe(true);
      expect(hr.summary.min_hr_bpm).toBe(Math.min(...bpms));
      expect(hr.summary.max_hr_bpm).toBe(Math.max(...bpms));
      expect(hr.summary.avg_hr_bpm).toBeGreaterThan(hr.summary.min_hr_bpm);
      expect(hr.summary.avg_hr_bpm).toBeLessThan(hr.summary.max_hr_bpm);
      const zoneSeconds = hr.summary.hr_zone_data.reduce((sum: number, z: Json) => sum + z.duration_seconds, 0);
      expect(zoneSeconds, label).toBe(a.active_durations_data.activity_seconds);

      const times = hr.detailed.hr_samples.map((s: Json) => s.timestamp);
      for (const t of times) expect(t).toMatch(TERRA_TIMESTAMP);
      expect(ms(times[0])).toBe(start);
      expect(ms(times[times.length - 1])).toBe(end);
      for (let i = 1; i < times.length; i++) expect(ms(times[i]), label).toBeGreaterThan(ms(times[i - 1]));
      const timers = hr.detailed.hr_samples.map((s: Json) => s.timer_duration_seconds);
      expect(timers[timers.length - 1]).toBe(a.active_durations_data.activity_seconds);
      expect(a.active_durations_data.activity_seconds + a.active_durations_data.rest_seconds).toBe((end - start) / 1000);

      expect(a.calories_data.total_burned_calories).toBeGreaterThan(a.calories_data.net_activity_calories);
      expect(a.calories_data.net_activity_calories / ((end - start) / 60_000), `${label} kcal/min`).toBeLessThan(20);

      if (a.distance_data) {
        const distances = a.distance_data.detailed.distance_samples.map((s: Json) => s.distance_meters);
        expectNonDecreasing(distances, `${label} distance`);
        expect(distances[0]).toBe(0);
        expect(Math.abs(distances[distances.length - 1] - a.distance_data.summary.distance_meters), label).toBeLessThan(0.5);
        const speed = a.distance_data.summary.distance_meters / a.active_durations_data.activity_seconds;
        expect(speed, `${label} m/s`).toBeGreaterThan(0.5);
        expect(speed, `${label} m/s`).toBeLessThan(15);
        expect(Math.abs(speed - a.movement_data.avg_speed_meters_per_second), label).toBeLessThan(0.01);
      }
      if (a.distance_data?.detailed.step_samples) {
        const steps = a.distance_data.detailed.step_samples.map((s: Json) => s.steps);
        expectNonDecreasing(steps, `${label} steps`);
        expect(Math.abs(steps[steps.length - 1] - a.distance_data.summary.steps) / a.distance_data.summary.steps, label).toBeLessThan(0.01);
      }

      if (a.position_data) {
        const { start_pos_lat_lng_deg: startPos, end_pos_lat_lng_deg: endPos } = a.position_data;
        expect(distanceBetween(startPos, endPos), `${label} loop closes`).toBeLessThan(1);
        for (const sample of a.position_data.position_samples) {
          const km = distanceBetween(sample.coords_lat_lng_deg, [home.lat, home.lng]) / 1000;
          expect(km, `${label} position`).toBeLessThan(50);
        }
        // The track is as long as the distance reported (GPS jitter adds a little).
        const track = a.position_data.position_samples.reduce(
          (sum: number, s: Json, i: number, all: Json[]) => (i === 0 ? 0 : sum + distanceBetween(all[i - 1].coords_lat_lng_deg, s.coords_lat_lng_deg)),
          0,
        );
        expect(track / a.distance_data.summary.distance_meters, `${label} track length`).toBeGreaterThan(0.97);
        expect(track / a.distance_data.summary.distance_meters, `${label} track length`).toBeLessThan(1.15);
        const polyline = decodePolyline(a.polyline_map_data.summary_polyline);
        expect(distanceBetween(polyline[0]!, startPos), label).toBeLessThan(5);
        const elevation = a.distance_data.detailed.elevation_samples.map((s: Json) => s.elev_meters);
        expect(Math.min(...elevation)).toBeGreaterThan(home.elevationMeters - 400);
        expect(Math.max(...elevation)).toBeLessThan(home.elevationMeters + 400);
      }
      if (a.metadata.type === 1 || a.metadata.type === 18) {
        const watts = a.power_data.power_samples.map((s: Json) => s.watts);
        for (const w of watts) expect(w >= 0 && w < 1500, `${label} watts ${w}`).toBe(true);
        expect(a.power_data.max_watts).toBe(Math.max(...watts));
        expect(a.TSS_data.TSS_samples[0].normalized_power_watts).toBeGreaterThanOrEqual(a.power_data.avg_watts * 0.95);
      } else {
        expect(a.power_data).toBeUndefined();
      }
      if (a.lap_data) {
        const laps = a.lap_data.laps;
        expect(ms(laps[0].start_time)).toBe(start);
        expect(ms(laps[laps.length - 1].end_time)).toBe(end);
        for (let i = 1; i < laps.length; i++) expect(laps[i].start_time).toBe(laps[i - 1].end_time);
        const lapMeters = laps.reduce((sum: number, lap: Json) => sum + lap.distance_meters, 0);
        expect(Math.abs(lapMeters - a.distance_data.summary.distance_meters), label).toBeLessThan(laps.length * 0.1 + 0.5);
      }
    }
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(2);
  });
});

describe.each(USERS)("SANDBOX sleep for %s", (userId) => {
  it("has one night per day, hypnograms that add up, and plausible vitals", async () => {
    const sleeps = (await pull("sleep", userId, RANGE)) as Json[];
    const nights = sleeps.filter((s) => !s.metadata.is_nap);
    expect(nights.length).toBeGreaterThanOrEqual(44);
    expect(nights.length).toBeLessThanOrEqual(46);
    for (let i = 1; i < sleeps.length; i++) {
      expect(ms(sleeps[i].metadata.start_time), `${userId} sleeps overlap`).toBeGreaterThanOrEqual(ms(sleeps[i - 1].metadata.end_time));
    }
    for (const s of sleeps) {
      const label = `${userId} ${s.metadata.summary_id}`;
      const start = ms(s.metadata.start_time);
      const end = ms(s.metadata.end_time);
      const durations = s.sleep_durations_data;
      const samples = durations.hypnogram_samples as Json[];
      const byLevel = new Map<number, number>();
      samples.forEach((sample, i) => {
        const until = i + 1 < samples.length ? ms(samples[i + 1].timestamp) : end;
        byLevel.set(sample.level, (byLevel.get(sample.level) ?? 0) + (until - ms(sample.timestamp)) / 1000);
      });
      expect(ms(samples[0].timestamp)).toBe(start);
      for (const level of byLevel.keys()) expect([1, 4, 5, 6]).toContain(level);
      const total = [...byLevel.values()].reduce((sum, v) => sum + v, 0);
      expect(Math.abs(total - durations.other.duration_in_bed_seconds), label).toBeLessThanOrEqual(1);
      expect(Math.abs(total - (end - start) / 1000), label).toBeLessThanOrEqual(1);
      expect(byLevel.get(4) ?? 0).toBe(durations.asleep.duration_light_sleep_state_seconds);
      expect(byLevel.get(5) ?? 0).toBe(durations.asleep.duration_deep_sleep_state_seconds);
      expect(byLevel.get(6) ?? 0).toBe(durations.asleep.duration_REM_sleep_state_seconds);
      expect(byLevel.get(1) ?? 0).toBe(durations.awake.duration_awake_state_seconds);
      expect(durations.asleep.duration_asleep_state_seconds + durations.awake.duration_awake_state_seconds).toBe(durations.other.duration_in_bed_seconds);
      expect(durations.sleep_efficiency).toBeGreaterThan(50);
      expect(durations.sleep_efficiency).toBeLessThanOrEqual(100);
      if (!s.metadata.is_nap) {
        const hours = durations.asleep.duration_asleep_state_seconds / 3600;
        expect(hours, label).toBeGreaterThanOrEqual(4.5);
        expect(hours, label).toBeLessThanOrEqual(10);
        // Deep sleep comes early in the night, REM late (time-weighted centre of each stage).
        const centre = (level: number) => {
          let weighted = 0;
          let seconds = 0;
          samples.forEach((x, i) => {
            if (x.level !== level) return;
            const from = ms(x.timestamp);
            const until = i + 1 < samples.length ? ms(samples[i + 1].timestamp) : end;
            weighted += ((from + until) / 2) * (until - from);
            seconds += until - from;
          });
          return weighted / seconds;
        };
        expect(centre(5), label).toBeLessThan(centre(6));
      }
      for (const sample of s.heart_rate_data.detailed.hr_samples) expect(sample.bpm >= 40 && sample.bpm <= 200, label).toBe(true);
      const breaths = s.respiration_data.breaths_data;
      expect(breaths.avg_breaths_per_min).toBeGreaterThan(8);
      expect(breaths.avg_breaths_per_min).toBeLessThan(25);
      expect(s.respiration_data.oxygen_saturation_data.avg_saturation_percentage).toBeGreaterThan(90);
      expect(s.readiness_data.readiness).toBeGreaterThanOrEqual(0);
      expect(s.readiness_data.readiness).toBeLessThanOrEqual(100);
      expect(s.metadata.upload_type).toBe(2);
    }
  });
});

describe.each(USERS)("SANDBOX daily for %s", (userId) => {
  it("covers every day with totals that include the day's workouts", async () => {
    const dailies = (await pull("daily", userId, RANGE)) as Json[];
    const activities = (await pull("activity", userId, RANGE, false)) as Json[];
    expect(dailies.length).toBeGreaterThanOrEqual(45);
    for (const d of dailies) {
      const label = `${userId} ${d.metadata.start_time}`;
      const date = d.metadata.start_time.slice(0, 10);
      const workoutSteps = activities
        .filter((a) => a.metadata.start_time.slice(0, 10) === date)
        .reduce((sum, a) => sum + (a.distance_data?.summary.steps ?? 0), 0);
      expect(d.distance_data.steps, label).toBeGreaterThanOrEqual(workoutSteps);
      expect(d.distance_data.steps, label).toBeLessThan(60_000);
      const steps = d.distance_data.detailed.step_samples.map((s: Json) => s.steps);
      expectNonDecreasing(steps, `${label} steps`);
      expect(steps[steps.length - 1]).toBe(d.distance_data.steps);
      for (const s of d.heart_rate_data.detailed.hr_samples) expect(s.bpm >= 40 && s.bpm <= 200, label).toBe(true);
      const a = d.active_durations_data;
      expect(Math.abs(a.activity_seconds + a.inactivity_seconds + a.rest_seconds - 86_400), label).toBeLessThanOrEqual(180);
      expect(d.calories_data.total_burned_calories).toBe(d.calories_data.BMR_calories + d.calories_data.net_activity_calories);
      for (const s of d.stress_data.samples) expect(s.level >= 1 && s.level <= 100, label).toBe(true);
      for (const s of d.stress_data.body_battery_samples) expect(s.level >= 0 && s.level <= 100, label).toBe(true);
    }
  });
});

describe("SANDBOX body", () => {
  it("weighs habitual weighers most mornings, with consistent BMI and slowly drifting weight", async () => {
    const userId = firstUser((p) => p.weighInRate > 0.6);
    const bodies = (await pull("body", userId, RANGE)) as Json[];
    const weighIns = bodies.flatMap((b) => b.measurements_data?.measurements ?? []);
    expect(weighIns.length).toBeGreaterThan(20);
    for (const m of weighIns) {
      expect(Math.abs(m.BMI - m.weight_kg / (m.height_cm / 100) ** 2)).toBeLessThan(0.1);
      expect(m.bodyfat_percentage).toBeGreaterThan(3);
      expect(m.bodyfat_percentage).toBeLessThan(50);
    }
    const weights = weighIns.map((m: Json) => m.weight_kg);
    expect(Math.max(...weights) - Math.min(...weights)).toBeLessThan(8);
  });

  it("gives blood-pressure trackers sane readings", async () => {
    const userId = firstUser((p) => p.bloodPressureRate > 0.5);
    const bodies = (await pull("body", userId, RANGE)) as Json[];
    const readings = bodies.flatMap((b) => b.blood_pressure_data?.blood_pressure_samples ?? []);
    expect(readings.length).toBeGreaterThan(10);
    for (const r of readings) {
      expect(r.systolic_bp).toBeGreaterThan(r.diastolic_bp + 15);
      expect(r.systolic_bp).toBeLessThan(180);
      expect(r.diastolic_bp).toBeGreaterThan(50);
    }
  });

  it("gives CGM wearers a glucose trace that rises after meals", async () => {
    const userId = firstUser((p) => p.usesCgm);
    const bodies = (await pull("body", userId, utcDays("2026-05-01", 5))) as Json[];
    expect(bodies.length).toBeGreaterThanOrEqual(5);
    for (const b of bodies) {
      const samples = b.glucose_data.blood_glucose_samples as Json[];
      expect(samples.length).toBe(96);
      const values = samples.map((s) => s.blood_glucose_mg_per_dL);
      for (const v of values) expect(v >= 55 && v <= 250).toBe(true);
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(20);
      expect(b.glucose_data.time_in_range).toBeGreaterThan(50);
    }
  });
});

describe.each(USERS)("SANDBOX nutrition for %s", (userId) => {
  it("logs meals whose totals add up", async () => {
    const diaries = (await pull("nutrition", userId, RANGE)) as Json[];
    expect(diaries.length).toBeGreaterThan(20);
    for (const n of diaries) {
      const calories = n.meals.reduce((sum: number, m: Json) => sum + m.macros.calories, 0);
      expect(Math.abs(calories - n.summary.macros.calories)).toBeLessThan(1);
      expect(n.summary.macros.calories).toBeGreaterThan(100);
      expect(n.summary.macros.calories).toBeLessThan(6000);
      expect(n.summary.water_ml).toBeLessThanOrEqual(n.summary.drink_ml);
      for (const meal of n.meals) {
        expect(meal.type >= 1 && meal.type <= 6).toBe(true);
        expect(meal.quantity.unit >= 1 && meal.quantity.unit <= 12).toBe(true);
        expect(meal.macros.net_carbohydrates_g).toBeLessThanOrEqual(meal.macros.carbohydrates_g);
      }
    }
  });
});

describe.each(USERS)("SANDBOX menstruation for %s", (userId) => {
  it("follows a cycle: day counts advance, flow only while menstruating, phases tile the cycle", async () => {
    const days = (await pull("menstruation", userId, RANGE)) as Json[];
    expect(days.length).toBeGreaterThanOrEqual(45);
    let periods = 0;
    days.forEach((d, i) => {
      const m = d.menstruation_data;
      expect(m.cycle_length_days).toBeGreaterThanOrEqual(21);
      expect(m.cycle_length_days).toBeLessThanOrEqual(37);
      expect(m.day_in_cycle).toBeLessThanOrEqual(m.cycle_length_days);
      if (i > 0) {
        const previous = days[i - 1].menstruation_data;
        expect(m.day_in_cycle === previous.day_in_cycle + 1 || (m.day_in_cycle === 1 && previous.day_in_cycle === previous.cycle_length_days)).toBe(true);
      }
      if (m.day_in_cycle === 1) periods++;
      if (m.menstruation_flow.length > 0) expect(m.current_phase).toBe(1);
      if (m.day_in_cycle <= m.period_length_days) expect(m.menstruation_flow.length).toBe(1);
      for (let k = 1; k < m.intervals.length; k++) expect(m.intervals[k].start_timestamp).toBe(m.intervals[k - 1].end_timestamp);
      expect(m.intervals[0].start_timestamp.slice(0, 10)).toBe(m.period_start_date);
    });
    expect(periods).toBeGreaterThanOrEqual(1);
  });
});

describe("SANDBOX athlete", () => {
  it("reports one stable profile whose age matches the birth date", async () => {
    const userId = randomUUID();
    const [first] = (await pull("athlete", userId, utcDays("2026-06-15", 1))) as Json[];
    const [again] = (await pull("athlete", userId, utcDays("2026-01-01", 30))) as Json[];
    expect(first.provider_user_id).toBe(again.provider_user_id);
    expect(first.first_name).toBe(again.first_name);
    const birth = new Date(`${first.date_of_birth}T00:00:00Z`);
    const ageAt = (on: Date) =>
      on.getUTCFullYear() - birth.getUTCFullYear() - (on < new Date(Date.UTC(on.getUTCFullYear(), birth.getUTCMonth(), birth.getUTCDate())) ? 1 : 0);
    expect(Math.abs(first.age - ageAt(new Date("2026-06-16T00:00:00Z")))).toBeLessThanOrEqual(1);
    expect(first.age).toBeGreaterThanOrEqual(18);
    expect(["female", "male"]).toContain(first.sex);
    expect(first.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.com$/);
    expect(first.city).toBe(sandboxProfile(userId).home.city);
  });
});
