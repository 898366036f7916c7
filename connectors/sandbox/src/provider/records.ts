import type { SandboxSport } from "./sport.ts";

/**
 * The sandbox provider's native record shapes — what its imaginary API returns. Deliberately not Terra's
 * shape (camelCase, unix seconds plus a UTC offset, its own sport, meal and unit vocabularies, Oura-style
 * hypnogram strings, Withings-style scaled measures, Strava-style streams) so the mappings in
 * `src/mappings/` do the same work a real connector's mapping does.
 *
 * Declared as `type` aliases, not interfaces, so they are assignable to the runtime's `ProviderRecord`.
 */

export type SandboxDevice = {
  model: string;
  maker: string;
  serial: string;
  hardwareRevision: string;
  firmware: string;
};

export type LatLng = [number, number];

/** Parallel arrays, one entry per sample; `elapsed` counts pauses, `timer` does not (both seconds). */
export type SandboxWorkoutStreams = {
  elapsed: number[];
  timer: number[];
  heartrate: number[];
  distance?: number[];
  speed?: number[];
  cadence?: number[];
  watts?: number[];
  latlng?: LatLng[];
  altitude?: number[];
};

export type SandboxLapTrigger = "distance" | "time" | "session_end" | "manual";

export type SandboxLap = {
  /** Seconds after the workout start (elapsed clock). */
  startOffset: number;
  endOffset: number;
  movingSeconds: number;
  distanceMeters: number | null;
  calories: number;
  avgHeartRate: number;
  avgSpeed: number | null;
  avgWatts: number | null;
  strokes: number | null;
  strokeStyle: "freestyle" | null;
  trigger: SandboxLapTrigger;
};

export type SandboxHeartRateZone = { zone: number; minBpm: number; maxBpm: number; seconds: number };

export type SandboxWorkout = {
  id: string;
  athleteId: string;
  sport: SandboxSport;
  title: string;
  startedAt: number;
  utcOffsetMinutes: number;
  elapsedSeconds: number;
  movingSeconds: number;
  indoor: boolean;
  location: { city: string; region: string; country: string } | null;
  distanceMeters: number | null;
  steps: number | null;
  swim: { poolLengthMeters: number; lengths: number; strokes: number } | null;
  /** Active kcal, excluding the basal calories burned meanwhile (`bmrCalories`). */
  calories: number;
  bmrCalories: number;
  kilojoules: number | null;
  heartRate: { avg: number; min: number; max: number; resting: number; userMax: number };
  hrZones: SandboxHeartRateZone[];
  speed: { avg: number; max: number } | null;
  cadence: { avg: number; max: number } | null;
  power: { avg: number; max: number; normalized: number; ftp: number } | null;
  elevation: { gain: number; loss: number; min: number; max: number; avg: number } | null;
  /** Average metabolic equivalent over the elapsed time. */
  avgMet: number;
  /** Minutes by intensity, from heart-rate zones. */
  intensityMinutes: { low: number; moderate: number; vigorous: number };
  pausedSeconds: number;
  vo2max: number | null;
  startLatLng: LatLng | null;
  midLatLng: LatLng | null;
  endLatLng: LatLng | null;
  summaryPolyline: string | null;
  laps: SandboxLap[];
  device: SandboxDevice;
  streams?: SandboxWorkoutStreams;
};

/**
 * One sleep period. `hypnogram` is one character per 5-minute epoch from `bedtimeStart`, Oura-style:
 * "1" deep, "2" light, "3" REM, "4" awake. Per-epoch series share that grid.
 */
export type SandboxSleep = {
  id: string;
  athleteId: string;
  kind: "long_sleep" | "nap";
  bedtimeStart: number;
  bedtimeEnd: number;
  utcOffsetMinutes: number;
  epochSeconds: number;
  hypnogram: string;
  heartRate: { avg: number; lowest: number; max: number };
  avgHrvRmssd: number;
  respiratoryRate: { avg: number; min: number; max: number };
  avgSpo2: number;
  snoring: { events: number; seconds: number } | null;
  temperatureDeviation: number;
  sleepScore: number;
  readinessScore: number;
  device: SandboxDevice;
  epochs?: { heartRate: number[]; hrv: number[]; breathing: number[]; spo2: number[] };
  /** Snoring bouts: [seconds after bedtimeStart, duration seconds]. */
  snoringBouts?: Array<[number, number]>;
};

export type SandboxDailySummary = {
  calendarDate: string;
  athleteId: string;
  utcOffsetMinutes: number;
  steps: number;
  distanceKm: number;
  floorsClimbed: number;
  caloriesOut: number;
  caloriesBmr: number;
  activityCalories: number;
  minutes: { asleep: number; sedentary: number; lightlyActive: number; fairlyActive: number; veryActive: number };
  inactivePeriods: number;
  heartRate: { avg: number; min: number; max: number; resting: number };
  stress: {
    avg: number;
    max: number;
    restSeconds: number;
    lowSeconds: number;
    mediumSeconds: number;
    highSeconds: number;
    activitySeconds: number;
  };
  avgMet: number;
  avgSpo2: number | null;
  vo2max: number;
  scores: { activity: number; recovery: number | null; sleep: number | null };
  tags: Array<{ at: number; label: string; note: string }>;
  device: SandboxDevice;
  /** 96 quarter-hour buckets from local midnight; null where nothing was measured. */
  intraday?: {
    bucketMinutes: number;
    steps: number[];
    heartRate: Array<number | null>;
    inWorkout: boolean[];
    stress: Array<number | null>;
    bodyBattery: number[];
  };
};

/** Withings-style: `value × 10^unit` in the measure's base unit (kg, %, mmHg, bpm, m, °C, kcal). */
export type SandboxMeasure = {
  type:
    | "weight"
    | "height"
    | "fat_ratio"
    | "fat_free_mass"
    | "muscle_mass"
    | "bone_mass"
    | "hydration"
    | "basal_metabolic_rate"
    | "visceral_fat"
    | "systolic"
    | "diastolic"
    | "heart_pulse";
  value: number;
  unit: number;
};

export type SandboxMeasureGroup = {
  groupId: string;
  takenAt: number;
  source: "scale" | "bp_monitor";
  measures: SandboxMeasure[];
};

export type SandboxGlucoseTrend = "falling_fast" | "falling" | "steady" | "rising" | "rising_fast";

export type SandboxBodyDay = {
  calendarDate: string;
  athleteId: string;
  utcOffsetMinutes: number;
  measureGroups: SandboxMeasureGroup[];
  glucose: {
    avgMgDl: number;
    timeInRangePercent: number;
    readings?: Array<{ at: number; mgDl: number; trend: SandboxGlucoseTrend }>;
  } | null;
  devices: SandboxDevice[];
};

export type SandboxMeal = "breakfast" | "morning_snack" | "lunch" | "afternoon_snack" | "dinner" | "snack";
export type SandboxServingUnit = "g" | "ml" | "tsp" | "tbsp" | "cup" | "oz" | "fl_oz" | "piece" | "scoop" | "egg_small" | "egg_medium" | "egg_large";

/**
 * Nutrients in the units nutrition labels use: kcal, g, mg and µg (`…Ug`). Terra wants milligrams for
 * every micronutrient, so the mapping converts.
 */
export type SandboxNutrients = {
  energyKcal: number;
  proteinG: number;
  carbsG: number;
  fiberG: number;
  sugarsG: number;
  fatG: number;
  saturatedFatG: number;
  monounsaturatedFatG: number;
  polyunsaturatedFatG: number;
  transFatG: number;
  omega3G: number;
  cholesterolMg: number;
  sodiumMg: number;
  potassiumMg: number;
  calciumMg: number;
  ironMg: number;
  magnesiumMg: number;
  zincMg: number;
  vitaminCMg: number;
  vitaminAUg: number;
  vitaminDUg: number;
  vitaminB12Ug: number;
  folateUg: number;
  caffeineMg: number;
  alcoholG: number;
};

export type SandboxFoodEntry = {
  entryId: string;
  loggedAt: number;
  meal: SandboxMeal;
  foodName: string;
  amount: number;
  unit: SandboxServingUnit;
  nutrients: SandboxNutrients;
};

export type SandboxFoodDiary = {
  calendarDate: string;
  athleteId: string;
  utcOffsetMinutes: number;
  entries: SandboxFoodEntry[];
  drinks: Array<{ at: number; name: string; volumeMl: number }>;
};

export type SandboxCyclePhase = "menstrual" | "follicular" | "fertile" | "ovulation" | "luteal" | "premenstrual";
export type SandboxFlow = "none" | "spotting" | "light" | "medium" | "heavy";

export type SandboxCycleDay = {
  calendarDate: string;
  athleteId: string;
  utcOffsetMinutes: number;
  cycle: {
    startDate: string;
    lengthDays: number;
    periodLengthDays: number;
    averageLengthDays: number;
    ovulationDate: string;
    fertileStartDate: string;
    fertileEndDate: string;
    /** Consecutive phases of the cycle; `endDate` is exclusive. */
    phases: Array<{ phase: SandboxCyclePhase; startDate: string; endDate: string }>;
  };
  dayInCycle: number;
  phase: SandboxCyclePhase;
  flow: SandboxFlow | null;
  updatedAt: number;
};

export type SandboxAthlete = {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  sex: "F" | "M";
  birthday: string;
  ageYears: number;
  city: string;
  region: string;
  country: string;
  bio: string;
  memberSince: number;
  utcOffsetMinutes: number;
};
