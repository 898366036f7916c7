import { isRoutineDay, type SandboxProfile } from "../profile/user-profile.ts";
import type { SandboxSport } from "../provider/sport.ts";
import { OUTDOOR_SPORTS } from "../provider/sport.ts";
import { rngFor } from "../random/prng.ts";
import { isWeekend, localMidnightMs } from "../time/local-time.ts";

export type WorkoutStyle = "easy" | "tempo" | "intervals" | "long" | "sets";

/** What a user does on a day, before any second-by-second simulation. */
export interface WorkoutPlan {
  /** 0 or 1: the workout's position within the day (part of its id). */
  index: number;
  sport: SandboxSport;
  style: WorkoutStyle;
  title: string;
  startMs: number;
  /** A multiple of the sample interval. */
  movingSeconds: number;
  /** Moving time after which the user stopped (traffic light, photo), or null. */
  pauseAtSeconds: number | null;
  pauseSeconds: number;
}

export const SAMPLE_INTERVAL_SECONDS = 10;

interface Slot {
  name: "Morning" | "Lunch" | "Evening";
  fromMinute: number;
  toMinute: number;
}
const SLOTS: readonly Slot[] = [
  { name: "Morning", fromMinute: 6 * 60, toMinute: 8 * 60 + 30 },
  { name: "Lunch", fromMinute: 11 * 60 + 45, toMinute: 13 * 60 },
  { name: "Evening", fromMinute: 17 * 60 + 15, toMinute: 19 * 60 + 30 },
];

const MINUTES: Record<SandboxSport, Partial<Record<WorkoutStyle, readonly [number, number]>>> = {
  run: { easy: [30, 55], tempo: [35, 55], intervals: [40, 60], long: [70, 110] },
  ride: { easy: [50, 100], tempo: [60, 90], intervals: [60, 80], long: [100, 200] },
  indoor_ride: { easy: [30, 75], tempo: [40, 70], intervals: [40, 60] },
  walk: { easy: [20, 75] },
  swim: { easy: [30, 60], tempo: [30, 50], intervals: [35, 55] },
  strength: { sets: [30, 60] },
};

const LABELS: Record<SandboxSport, string> = {
  run: "Run",
  ride: "Ride",
  indoor_ride: "Indoor Ride",
  walk: "Walk",
  swim: "Pool Swim",
  strength: "Strength Training",
};

function titleFor(slot: Slot, sport: SandboxSport, style: WorkoutStyle): string {
  if (style === "intervals") return `${LABELS[sport]} Intervals`;
  if (style === "long") return `Long ${LABELS[sport]}`;
  if (style === "tempo") return `Tempo ${LABELS[sport]}`;
  return sport === "strength" || sport === "indoor_ride" ? LABELS[sport] : `${slot.name} ${LABELS[sport]}`;
}

/** 0–2 workouts for one local day, seeded by (user, "activity", day): rest days happen. */
export function planWorkouts(profile: SandboxProfile, day: number): WorkoutPlan[] {
  const rng = rngFor(profile.userId, "activity", day);
  const weekend = isWeekend(day);
  const trains = rng.chance(Math.min(0.92, profile.trainingDaysPerWeek / 7 + (weekend ? 0.1 : 0))) || isRoutineDay(profile, day);
  const twice = rng.chance(profile.doubleDayRate);
  if (!trains) return [];

  const slots = rng
    .shuffle(SLOTS)
    .slice(0, twice ? 2 : 1)
    .sort((a, b) => a.fromMinute - b.fromMinute);
  const first = rng.weighted(profile.sportWeights);
  // A second session is usually the lighter kind: a walk or gym work.
  const second = rng.weighted(
    profile.sportWeights
      .filter(([sport]) => sport !== first)
      .map(([sport, weight]) => [sport, sport === "walk" || sport === "strength" ? weight * 3 : weight] as const),
  );
  const midnight = localMidnightMs(day, profile.offsetMinutes);

  return slots.map((slot, index) => {
    const sport = index === 0 ? first : second;
    let style: WorkoutStyle;
    if (sport === "walk") style = "easy";
    else if (sport === "strength") style = "sets";
    else if (weekend && index === 0 && (sport === "run" || sport === "ride") && rng.chance(0.55)) style = "long";
    else
      style = rng.weighted<WorkoutStyle>([
        ["easy", 0.6],
        ["tempo", 0.25],
        ["intervals", 0.15],
      ]);
    const [minMinutes, maxMinutes] = MINUTES[sport][style] ?? [30, 60];
    const movingSeconds = Math.round((rng.int(minMinutes, maxMinutes) * 60) / SAMPLE_INTERVAL_SECONDS) * SAMPLE_INTERVAL_SECONDS;
    const startMinute = rng.int(slot.fromMinute, slot.toMinute);
    const paused = OUTDOOR_SPORTS.has(sport) && rng.chance(0.5);
    const pauseAt = Math.round((movingSeconds * rng.float(0.25, 0.75)) / SAMPLE_INTERVAL_SECONDS) * SAMPLE_INTERVAL_SECONDS;
    const pauseSeconds = rng.int(20, 240);
    return {
      index,
      sport,
      style,
      title: titleFor(slot, sport, style),
      startMs: midnight + (startMinute * 60 + rng.int(0, 59)) * 1000,
      movingSeconds,
      pauseAtSeconds: paused ? pauseAt : null,
      pauseSeconds: paused ? pauseSeconds : 0,
    };
  });
}
