import type { DateRange } from "@tributary/core/contracts";
import { sandboxProfile, basalMetabolicRate, weightOnDay, type SandboxProfile } from "../profile/user-profile.ts";
import type { LatLng, SandboxHeartRateZone, SandboxWorkout, SandboxWorkoutStreams } from "../provider/records.ts";
import { rngFor } from "../random/prng.ts";
import { stableUuid } from "../random/stable-id.ts";
import { inRange, localDayNumber } from "../time/local-time.ts";
import type { GenerateOptions } from "./generate-options.ts";
import { encodePolyline } from "./polyline.ts";
import { POOL_LENGTH_METERS, splitLaps } from "./workout-laps.ts";
import { planWorkouts, SAMPLE_INTERVAL_SECONDS as DT, type WorkoutPlan } from "./workout-plan.ts";
import { simulateWorkout, type WorkoutSeries } from "./workout-simulation.ts";
import { round } from "../numbers.ts";

/** Zone lower bounds as a share of the user's max heart rate (zone 0 is everything below 50 %). */
const HR_ZONE_FLOORS = [0, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

function stats(values: readonly number[], skipZeros = false) {
  let sum = 0;
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (skipZeros && value === 0) continue;
    sum += value;
    n++;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return n === 0 ? { avg: 0, min: 0, max: 0 } : { avg: sum / n, min, max };
}

function heartRateZones(profile: SandboxProfile, series: WorkoutSeries): SandboxHeartRateZone[] {
  const seconds = HR_ZONE_FLOORS.map(() => 0);
  const hr = series.heartRate;
  for (let i = 0; i < hr.length - 1; i++) {
    const share = (hr[i] ?? 0) / profile.maxHr;
    let zone = 0;
    for (let z = HR_ZONE_FLOORS.length - 1; z > 0; z--) {
      if (share >= (HR_ZONE_FLOORS[z] ?? 1)) {
        zone = z;
        break;
      }
    }
    seconds[zone] = (seconds[zone] ?? 0) + DT;
  }
  return HR_ZONE_FLOORS.map((floor, zone) => ({
    zone,
    minBpm: Math.round(floor * profile.maxHr),
    maxBpm: Math.round((HR_ZONE_FLOORS[zone + 1] ?? 1) * profile.maxHr),
    seconds: seconds[zone] ?? 0,
  }));
}

/** 30-second rolling average, raised to the 4th power, averaged, 4th root (Coggan). */
function normalizedPower(watts: readonly number[]): number {
  const window = Math.max(1, Math.round(30 / DT));
  let sum4 = 0;
  let n = 0;
  for (let i = window - 1; i < watts.length; i++) {
    let rolling = 0;
    for (let j = i - window + 1; j <= i; j++) rolling += watts[j] ?? 0;
    sum4 += (rolling / window) ** 4;
    n++;
  }
  return n === 0 ? 0 : (sum4 / n) ** 0.25;
}

function elevationStats(altitude: readonly number[]) {
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < altitude.length; i++) {
    const delta = (altitude[i] ?? 0) - (altitude[i - 1] ?? 0);
    if (delta > 0) gain += delta;
    else loss -= delta;
  }
  const { avg, min, max } = stats(altitude);
  return { gain: round(gain, 1), loss: round(loss, 1), min: round(min, 1), max: round(max, 1), avg: round(avg, 1) };
}

function streamsOf(series: WorkoutSeries): SandboxWorkoutStreams {
  const streams: SandboxWorkoutStreams = {
    elapsed: series.elapsed,
    timer: series.timer,
    heartrate: series.heartRate,
  };
  if (series.distance) streams.distance = series.distance.map((d) => round(d, 1));
  if (series.speed) streams.speed = series.speed.map((v) => round(v, 2));
  if (series.cadence) streams.cadence = series.cadence.map((c) => Math.round(c));
  if (series.watts) streams.watts = series.watts.map((w) => Math.round(w));
  if (series.latlng) streams.latlng = series.latlng.map(([lat, lng]) => [round(lat, 6), round(lng, 6)] as LatLng);
  if (series.altitude) streams.altitude = series.altitude.map((a) => round(a, 1));
  return streams;
}

function buildWorkout(profile: SandboxProfile, day: number, plan: WorkoutPlan, withSamples: boolean): SandboxWorkout {
  const series = simulateWorkout(profile, plan, day);
  const { sport } = plan;
  const last = series.timer.length - 1;
  const elapsedSeconds = series.elapsed[last] ?? plan.movingSeconds;
  const meters = series.distance ? (series.distance[last] ?? 0) : null;
  const strokesPerLength = rngFor(profile.userId, "activity", day, plan.index, "strokes").int(15, 22);
  const hr = stats(series.heartRate);
  const zones = heartRateZones(profile, series);
  const zoneSeconds = (from: number, to: number) => zones.slice(from, to + 1).reduce((sum, z) => sum + z.seconds, 0);
  const grossKcal = series.kcal[last] ?? 0;
  const bmrCalories = (basalMetabolicRate(profile, weightOnDay(profile, day), day) * elapsedSeconds) / 86_400;
  const kilojoules = series.watts ? series.watts.reduce((sum, w, i) => (i < last ? sum + (w * DT) / 1000 : sum), 0) : null;
  const route = series.route;
  const position = (d: number): LatLng => {
    const [lat, lng] = route?.position(d) ?? [0, 0];
    return [round(lat, 6), round(lng, 6)];
  };
  let summaryPolyline: string | null = null;
  if (route && meters !== null) {
    const points: LatLng[] = [];
    for (let k = 0; k <= 100; k++) points.push(route.position((meters * k) / 100));
    summaryPolyline = encodePolyline(points);
  }
  const device = sport === "ride" && profile.bikeComputer ? profile.bikeComputer : profile.watch;
  const speed = series.speed ? stats(series.speed) : null;
  const cadence = series.cadence ? stats(series.cadence, true) : null;
  const watts = series.watts ? stats(series.watts) : null;

  const workout: SandboxWorkout = {
    id: stableUuid(profile.userId, "activity", day, plan.index),
    athleteId: profile.providerUserId,
    sport,
    title: plan.title,
    startedAt: Math.round(plan.startMs / 1000),
    utcOffsetMinutes: profile.offsetMinutes,
    elapsedSeconds,
    movingSeconds: plan.movingSeconds,
    indoor: route === null,
    location: { city: profile.home.city, region: profile.home.state, country: profile.home.country },
    distanceMeters: meters === null ? null : round(meters, 1),
    steps:
      (sport === "run" || sport === "walk") && series.cadence
        ? Math.round(series.cadence.reduce((sum, c, i) => (i < last ? sum + (c * DT) / 60 : sum), 0))
        : null,
    swim:
      sport === "swim" && meters !== null
        ? {
            poolLengthMeters: POOL_LENGTH_METERS,
            lengths: Math.floor(meters / POOL_LENGTH_METERS),
            strokes: Math.floor(meters / POOL_LENGTH_METERS) * strokesPerLength,
          }
        : null,
    calories: round(Math.max(0, grossKcal - bmrCalories), 1),
    bmrCalories: round(bmrCalories, 1),
    kilojoules: kilojoules === null ? null : round(kilojoules, 1),
    heartRate: { avg: round(hr.avg, 1), min: hr.min, max: hr.max, resting: profile.restingHr, userMax: profile.maxHr },
    hrZones: zones,
    speed: speed && meters !== null ? { avg: round(meters / plan.movingSeconds, 2), max: round(speed.max, 2) } : null,
    cadence: cadence ? { avg: round(cadence.avg, 1), max: Math.round(cadence.max) } : null,
    power:
      watts && series.watts
        ? { avg: Math.round(watts.avg), max: Math.round(watts.max), normalized: Math.round(normalizedPower(series.watts)), ftp: profile.ftpWatts }
        : null,
    elevation: series.altitude ? elevationStats(series.altitude) : null,
    avgMet: round(grossKcal / (weightOnDay(profile, day) * (elapsedSeconds / 3600)), 1),
    intensityMinutes: {
      low: round(zoneSeconds(0, 2) / 60, 1),
      moderate: round(zoneSeconds(3, 3) / 60, 1),
      vigorous: round(zoneSeconds(4, 5) / 60, 1),
    },
    pausedSeconds: elapsedSeconds - plan.movingSeconds,
    vo2max: sport === "run" || sport === "ride" ? profile.vo2max : null,
    startLatLng: route ? position(0) : null,
    midLatLng: route && meters !== null ? position(meters / 2) : null,
    endLatLng: route && meters !== null ? position(meters) : null,
    summaryPolyline,
    laps: splitLaps(sport, series, strokesPerLength),
    device,
  };
  if (withSamples) workout.streams = streamsOf(series);
  return workout;
}

/** The workouts a user did on one local day (0–2), in start order. */
export function workoutsForDay(userId: string, day: number, options: GenerateOptions = {}): SandboxWorkout[] {
  const profile = sandboxProfile(userId);
  return planWorkouts(profile, day).map((plan) => buildWorkout(profile, day, plan, options.withSamples ?? false));
}

/** Workouts whose start falls in [range.start, range.end), in start order. */
export function* generateActivities(userId: string, range: DateRange, options: GenerateOptions = {}): Generator<SandboxWorkout> {
  const { offsetMinutes } = sandboxProfile(userId);
  const first = localDayNumber(range.start.getTime(), offsetMinutes);
  const last = localDayNumber(range.end.getTime() - 1, offsetMinutes);
  for (let day = first; day <= last; day++) {
    for (const workout of workoutsForDay(userId, day, options)) {
      if (inRange(workout.startedAt * 1000, range)) yield workout;
    }
  }
}
