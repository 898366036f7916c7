import { Decoder, Stream } from "@garmin/fitsdk";
import { ActivityType, TimestampLocalization, terraTimestamp, type Activity, type LapSample } from "@tributary/schemas";
import { terraManufacturer } from "./device.ts";
import { corrupt, notActivity, notFit, truncated } from "./fit-errors.ts";
import { activityTypeOf, isOnFoot } from "./sport-map.ts";
import { atResolution, finite, semicirclesToDegrees, unixMsOf } from "./units.ts";

export interface DecodeActivityOptions {
  /**
   * The activity's summary_id: the provider's id of the workout when a connector has one (Wahoo's workout
   * id). Default: derived from the file's file_id (`fit-<serial number>-<time created>`), so the same file
   * decodes to the same id.
   */
  summaryId?: string;
  /** metadata.name: FIT files carry no activity title. @default null */
  name?: string | null;
  /** metadata.upload_type (UploadType code). @default 0 Unknown */
  uploadType?: number;
}

type Message = Record<string, unknown>;

const LAP_TRIGGERS: Record<string, string> = {
  manual: "MANUAL",
  time: "TIME",
  distance: "DISTANCE",
  positionStart: "POSITION_START",
  positionLap: "POSITION_LAP",
  positionWaypoint: "POSITION_WAYPOINT",
  positionMarked: "POSITION_MARKED",
  sessionEnd: "SESSION_END",
  fitnessEquipment: "FITNESS_EQUIPMENT",
};
const SWIM_STROKES: Record<string, string> = { freestyle: "freestyle", backstroke: "backstroke", breaststroke: "breaststroke", butterfly: "butterfly" };

/**
 * A FIT activity file as a Terra Standard Activity: the session summary (several sessions of a multisport
 * file are added up), laps, the record samples (heart rate, power, cadence, speed, distance, elevation,
 * position) with their timer durations, and the recording device. Timestamps are written in the file's
 * local offset when it records one (activity.local_timestamp), else in UTC.
 *
 * Throws a UserError, never a partial activity: `ERR_FIT_NOT_FIT` (not a FIT file at all),
 * `ERR_FIT_TRUNCATED` (shorter than its header says), `ERR_FIT_CORRUPT` (CRC mismatch, undecodable
 * messages), `ERR_FIT_NOT_ACTIVITY` (a course, workout, settings… file, or an activity with no session
 * and no records).
 */
export function decodeActivityFit(bytes: Uint8Array | ArrayBuffer, options: DecodeActivityOptions = {}): Activity {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const messages = readMessages(data);
  const fileId = first(messages.fileIdMesgs);
  if (!fileId) throw notActivity("the file has no file_id message");
  if (fileId.type !== "activity") throw notActivity(`it is a FIT "${String(fileId.type ?? "unknown")}" file`);
  const sessions = list(messages.sessionMesgs);
  const records = list(messages.recordMesgs).filter((record) => msOf(record.timestamp) !== undefined);
  if (sessions.length === 0 && records.length === 0) throw notActivity("the file has no session and no records");
  return toActivity(fileId, sessions, records, messages, options);
}

function readMessages(data: Uint8Array): Record<string, unknown> {
  if (data.length < 12) throw notFit(`the file has only ${data.length} bytes`);
  const headerSize = data[0]!;
  const signature = String.fromCharCode(data[8]!, data[9]!, data[10]!, data[11]!);
  if ((headerSize !== 12 && headerSize !== 14) || signature !== ".FIT") throw notFit("it does not start with a FIT file header");
  const dataSize = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(4, true);
  const expected = headerSize + dataSize + 2;
  if (data.length < expected) throw truncated(data.length, expected);
  const decoder = new Decoder(Stream.fromArrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + expected) as ArrayBuffer));
  if (!decoder.checkIntegrity()) throw corrupt("its CRC does not match its content");
  const { messages, errors } = decoder.read();
  if (errors.length > 0) throw corrupt(errors[0]!.message);
  return messages as unknown as Record<string, unknown>;
}

const list = (value: unknown): Message[] => (Array.isArray(value) ? (value as Message[]) : []);
const first = (value: unknown): Message | undefined => list(value)[0];

function msOf(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  return typeof value === "number" ? unixMsOf(value) : undefined;
}

/** Seconds (or FIT local seconds) of a date_time or local_date_time value. */
function fitSecondsOf(value: unknown): number | undefined {
  const ms = msOf(value);
  return ms === undefined ? undefined : ms / 1000;
}

function toActivity(fileId: Message, sessions: Message[], records: Message[], messages: Record<string, unknown>, options: DecodeActivityOptions): Activity {
  const activityMessage = first(messages.activityMesgs);
  const offsetMinutes = utcOffsetOf(activityMessage);
  const stamp = (ms: number) => terraTimestamp(ms, offsetMinutes ?? 0);

  const startMs = Math.min(...sessions.map((s) => msOf(s.startTime) ?? Infinity), msOf(records[0]?.timestamp) ?? Infinity);
  const sessionEnds = sessions.map((s) => {
    const start = msOf(s.startTime);
    const elapsed = finite(s.totalElapsedTime);
    return start !== undefined && elapsed !== undefined ? start + elapsed * 1000 : (msOf(s.timestamp) ?? -Infinity);
  });
  const endMs = Math.max(...sessionEnds, msOf(records[records.length - 1]?.timestamp) ?? -Infinity, startMs);
  const sports = [...new Set(sessions.map((s) => `${String(s.sport ?? "generic")}/${String(s.subSport ?? "generic")}`))];
  const sport = sessions.length === 1 || sports.length === 1 ? String(sessions[0]?.sport ?? first(messages.sportMesgs)?.sport ?? "generic") : "multisport";
  const subSport = sessions.length === 1 || sports.length === 1 ? (sessions[0]?.subSport ?? first(messages.sportMesgs)?.subSport) : undefined;
  const onFoot = isOnFoot(sport);
  const summary = combine(sessions);
  const timerAt = timerClock(list(messages.eventMesgs), startMs);

  const activity: Activity = {
    metadata: {
      summary_id: options.summaryId ?? defaultSummaryId(fileId, startMs),
      name: options.name ?? null,
      type: (sessions.length > 1 && sports.length > 1 ? ActivityType.code("Multisport") : activityTypeOf(sport, subSport)) as Activity["metadata"]["type"],
      upload_type: (options.uploadType ?? 0) as Activity["metadata"]["upload_type"],
      start_time: stamp(startMs),
      end_time: stamp(endMs),
      timestamp_localization: offsetMinutes === undefined ? TimestampLocalization.code("UTC") : TimestampLocalization.code("Local"),
    },
  };

  const elapsed = (endMs - startMs) / 1000;
  const timer = summary.totalTimerTime;
  if (timer !== undefined)
    activity.active_durations_data = { activity_seconds: atResolution(timer, 3), rest_seconds: atResolution(Math.max(0, elapsed - timer), 3) };
  if (summary.totalCalories !== undefined) activity.calories_data = { total_burned_calories: summary.totalCalories };

  const heartRate = heartRateData(summary, sessions, messages, records, stamp, timerAt);
  if (heartRate) activity.heart_rate_data = heartRate;
  const distance = distanceData(summary, sport, onFoot, records, stamp, timerAt);
  if (distance) activity.distance_data = distance;
  const movement = movementData(summary, onFoot, records, stamp, timerAt);
  if (movement) activity.movement_data = movement;
  const power = powerData(summary, records, stamp, timerAt);
  if (power) activity.power_data = power;
  if (summary.trainingStressScore !== undefined || summary.normalizedPower !== undefined || summary.intensityFactor !== undefined) {
    activity.TSS_data = {
      TSS_samples: [
        {
          ...(summary.trainingStressScore !== undefined ? { actual: atResolution(summary.trainingStressScore, 1) } : {}),
          ...(summary.intensityFactor !== undefined ? { intensity_factor_actual: atResolution(summary.intensityFactor, 3) } : {}),
          ...(summary.normalizedPower !== undefined ? { normalized_power_watts: summary.normalizedPower } : {}),
        },
      ],
    };
  }
  if (summary.totalWork !== undefined) activity.work_data = { work_kilojoules: atResolution(summary.totalWork / 1000, 3) };
  const position = positionData(sessions, records, stamp, timerAt);
  if (position) activity.position_data = position;
  const laps = list(messages.lapMesgs).map((lap) => lapSample(lap, stamp));
  if (laps.length > 0) activity.lap_data = { laps };
  const device = deviceData(fileId, list(messages.deviceInfoMesgs));
  if (device) activity.device_data = device;
  return activity;
}

/** The file's UTC offset from its activity message (local_timestamp − timestamp), to the minute. */
function utcOffsetOf(activity: Message | undefined): number | undefined {
  const local = fitSecondsOf(activity?.localTimestamp);
  const utc = fitSecondsOf(activity?.timestamp);
  if (local === undefined || utc === undefined) return undefined;
  const minutes = Math.round((local - utc) / 60);
  return Math.abs(minutes) <= 14 * 60 ? minutes : undefined;
}

function defaultSummaryId(fileId: Message, startMs: number): string {
  const created = fitSecondsOf(fileId.timeCreated) ?? startMs / 1000;
  const serial = finite(fileId.serialNumber) ?? 0;
  return `fit-${serial}-${Math.round(created)}`;
}

type Summary = Record<string, number | undefined> & { timeInHrZone?: number[] };

const SUMMED = [
  "totalTimerTime",
  "totalDistance",
  "totalCalories",
  "totalAscent",
  "totalFractionalAscent",
  "totalDescent",
  "totalFractionalDescent",
  "totalWork",
  "totalCycles",
  "totalFractionalCycles",
  "numLengths",
  "trainingStressScore",
];
const MAXIMA = ["maxHeartRate", "maxPower", "enhancedMaxSpeed", "maxSpeed", "maxCadence", "maxFractionalCadence", "enhancedMaxAltitude"];
const MINIMA = ["minHeartRate", "enhancedMinAltitude"];
const AVERAGES = [
  "avgHeartRate",
  "avgPower",
  "enhancedAvgSpeed",
  "avgSpeed",
  "avgCadence",
  "avgFractionalCadence",
  "enhancedAvgAltitude",
  "normalizedPower",
  "intensityFactor",
  "poolLength",
];

/** One session's summary, or several added up (totals summed, extremes kept, averages weighted by timer time). */
function combine(sessions: Message[]): Summary {
  if (sessions.length === 1) {
    const only = sessions[0]!;
    const summary: Summary = {};
    for (const key of [...SUMMED, ...MAXIMA, ...MINIMA, ...AVERAGES]) summary[key] = finite(only[key]);
    if (Array.isArray(only.timeInHrZone)) summary.timeInHrZone = (only.timeInHrZone as unknown[]).map((v) => finite(v) ?? 0);
    return summary;
  }
  const summary: Summary = {};
  const values = (key: string) => sessions.map((s) => finite(s[key])).filter((v): v is number => v !== undefined);
  for (const key of SUMMED) if (values(key).length > 0) summary[key] = values(key).reduce((a, b) => a + b, 0);
  for (const key of MAXIMA) if (values(key).length > 0) summary[key] = Math.max(...values(key));
  for (const key of MINIMA) if (values(key).length > 0) summary[key] = Math.min(...values(key));
  for (const key of AVERAGES) {
    let weighted = 0;
    let weight = 0;
    for (const s of sessions) {
      const value = finite(s[key]);
      const w = finite(s.totalTimerTime) ?? 0;
      if (value === undefined || w === 0) continue;
      weighted += value * w;
      weight += w;
    }
    if (weight > 0) summary[key] = weighted / weight;
  }
  return summary;
}

/** The timer time at an instant, from the timer start/stop events; without any, the time since the start. */
function timerClock(events: Message[], startMs: number): (ms: number) => number {
  const changes = events
    .filter((event) => event.event === "timer" && msOf(event.timestamp) !== undefined)
    .map((event) => ({ ms: msOf(event.timestamp)!, running: event.eventType === "start" }))
    .sort((a, b) => a.ms - b.ms);
  if (changes.length === 0) return (ms) => Math.max(0, (ms - startMs) / 1000);
  return (ms) => {
    let total = 0;
    let runningSince: number | undefined;
    for (const change of changes) {
      if (change.ms > ms) break;
      if (change.running && runningSince === undefined) runningSince = change.ms;
      else if (!change.running && runningSince !== undefined) {
        total += change.ms - runningSince;
        runningSince = undefined;
      }
    }
    if (runningSince !== undefined) total += ms - runningSince;
    return total / 1000;
  };
}

type Stamp = (ms: number) => string;
type Clock = (ms: number) => number;

/** One Terra sample per record that has the field: its timestamp, timer duration and value(s). */
function samplesOf<T>(
  records: Message[],
  stamp: Stamp,
  timerAt: Clock,
  value: (record: Message) => T | undefined,
): Array<{ timestamp: string; timer_duration_seconds: number; value: T }> {
  const samples: Array<{ timestamp: string; timer_duration_seconds: number; value: T }> = [];
  // Timer durations only grow: walk the records once instead of re-reading the events for each.
  for (const record of records) {
    const v = value(record);
    if (v === undefined) continue;
    const ms = msOf(record.timestamp)!;
    samples.push({ timestamp: stamp(ms), timer_duration_seconds: timerAt(ms), value: v });
  }
  return samples;
}

function heartRateData(
  summary: Summary,
  sessions: Message[],
  messages: Record<string, unknown>,
  records: Message[],
  stamp: Stamp,
  timerAt: Clock,
): Activity["heart_rate_data"] {
  const zoneContext = list(messages.timeInZoneMesgs).find((zone) => zone.referenceMesg === "session") ?? first(messages.timeInZoneMesgs);
  const hrSummary: NonNullable<NonNullable<Activity["heart_rate_data"]>["summary"]> = {};
  if (summary.avgHeartRate !== undefined) hrSummary.avg_hr_bpm = atResolution(summary.avgHeartRate, 0);
  if (summary.maxHeartRate !== undefined) hrSummary.max_hr_bpm = summary.maxHeartRate;
  if (summary.minHeartRate !== undefined) hrSummary.min_hr_bpm = summary.minHeartRate;
  if (finite(zoneContext?.maxHeartRate) !== undefined) hrSummary.user_max_hr_bpm = finite(zoneContext?.maxHeartRate)!;
  if (finite(zoneContext?.restingHeartRate) !== undefined) hrSummary.resting_hr_bpm = finite(zoneContext?.restingHeartRate)!;
  if (summary.timeInHrZone && sessions.length === 1) {
    hrSummary.hr_zone_data = summary.timeInHrZone.map((seconds, zone) => ({ zone, duration_seconds: atResolution(seconds, 3) }));
  }
  const samples = samplesOf(records, stamp, timerAt, (r) => finite(r.heartRate));
  if (Object.keys(hrSummary).length === 0 && samples.length === 0) return undefined;
  return {
    ...(Object.keys(hrSummary).length > 0 ? { summary: hrSummary } : {}),
    ...(samples.length > 0
      ? { detailed: { hr_samples: samples.map((s) => ({ timestamp: s.timestamp, bpm: s.value, timer_duration_seconds: s.timer_duration_seconds })) } }
      : {}),
  };
}

function distanceData(summary: Summary, sport: string, onFoot: boolean, records: Message[], stamp: Stamp, timerAt: Clock): Activity["distance_data"] {
  const withFraction = (whole: number | undefined, fraction: number | undefined) =>
    whole === undefined ? undefined : atResolution(whole + (fraction ?? 0), 2);
  const elevation = {
    ...defined("gain_actual_meters", withFraction(summary.totalAscent, summary.totalFractionalAscent)),
    ...defined("loss_actual_meters", withFraction(summary.totalDescent, summary.totalFractionalDescent)),
    ...defined("avg_meters", round(summary.enhancedAvgAltitude, 1)),
    ...defined("min_meters", round(summary.enhancedMinAltitude, 1)),
    ...defined("max_meters", round(summary.enhancedMaxAltitude, 1)),
  };
  const cycles = summary.totalCycles === undefined ? undefined : summary.totalCycles + (summary.totalFractionalCycles ?? 0);
  const swimming =
    sport === "swimming"
      ? {
          ...defined("num_laps", summary.numLengths),
          ...defined("num_strokes", cycles === undefined ? undefined : Math.round(cycles)),
          ...defined("pool_length_meters", summary.poolLength === undefined ? undefined : Math.round(summary.poolLength)),
        }
      : {};
  const totals = {
    ...defined("distance_meters", round(summary.totalDistance, 2)),
    ...defined("steps", onFoot && cycles !== undefined ? Math.round(cycles * 2) : undefined),
    ...(Object.keys(elevation).length > 0 ? { elevation } : {}),
    ...(Object.keys(swimming).length > 0 ? { swimming } : {}),
  };
  const distanceSamples = samplesOf(records, stamp, timerAt, (r) => round(finite(r.distance), 2));
  const elevationSamples = samplesOf(records, stamp, timerAt, (r) => round(finite(r.enhancedAltitude) ?? finite(r.altitude), 1));
  const detailed = {
    ...(distanceSamples.length > 0
      ? {
          distance_samples: distanceSamples.map((s) => ({
            timestamp: s.timestamp,
            distance_meters: s.value,
            timer_duration_seconds: s.timer_duration_seconds,
          })),
        }
      : {}),
    ...(elevationSamples.length > 0
      ? { elevation_samples: elevationSamples.map((s) => ({ timestamp: s.timestamp, elev_meters: s.value, timer_duration_seconds: s.timer_duration_seconds })) }
      : {}),
  };
  if (Object.keys(totals).length === 0 && Object.keys(detailed).length === 0) return undefined;
  return { ...(Object.keys(totals).length > 0 ? { summary: totals } : {}), ...(Object.keys(detailed).length > 0 ? { detailed } : {}) };
}

function movementData(summary: Summary, onFoot: boolean, records: Message[], stamp: Stamp, timerAt: Clock): Activity["movement_data"] {
  // Terra counts steps per minute where FIT counts strides (two steps).
  const factor = onFoot ? 2 : 1;
  const cadence = (whole: number | undefined, fraction: number | undefined) =>
    whole === undefined ? undefined : atResolution((whole + (fraction ?? 0)) * factor, 2);
  const movement = {
    ...defined("avg_speed_meters_per_second", round(summary.enhancedAvgSpeed ?? summary.avgSpeed, 3)),
    ...defined("max_speed_meters_per_second", round(summary.enhancedMaxSpeed ?? summary.maxSpeed, 3)),
    ...defined("avg_cadence_rpm", cadence(summary.avgCadence, summary.avgFractionalCadence)),
    ...defined("max_cadence_rpm", cadence(summary.maxCadence, summary.maxFractionalCadence)),
  };
  const speedSamples = samplesOf(records, stamp, timerAt, (r) => round(finite(r.enhancedSpeed) ?? finite(r.speed), 3));
  const cadenceSamples = samplesOf(records, stamp, timerAt, (r) => cadence(finite(r.cadence), finite(r.fractionalCadence)));
  if (speedSamples.length > 0) {
    Object.assign(movement, {
      speed_samples: speedSamples.map((s) => ({ timestamp: s.timestamp, speed_meters_per_second: s.value, timer_duration_seconds: s.timer_duration_seconds })),
    });
  }
  if (cadenceSamples.length > 0) {
    Object.assign(movement, {
      cadence_samples: cadenceSamples.map((s) => ({ timestamp: s.timestamp, cadence_rpm: s.value, timer_duration_seconds: s.timer_duration_seconds })),
    });
  }
  return Object.keys(movement).length > 0 ? movement : undefined;
}

function powerData(summary: Summary, records: Message[], stamp: Stamp, timerAt: Clock): Activity["power_data"] {
  const samples = samplesOf(records, stamp, timerAt, (r) => finite(r.power));
  const power = {
    ...defined("avg_watts", round(summary.avgPower, 0)),
    ...defined("max_watts", summary.maxPower),
    ...(samples.length > 0
      ? { power_samples: samples.map((s) => ({ timestamp: s.timestamp, watts: s.value, timer_duration_seconds: s.timer_duration_seconds })) }
      : {}),
  };
  return Object.keys(power).length > 0 ? power : undefined;
}

function positionData(sessions: Message[], records: Message[], stamp: Stamp, timerAt: Clock): Activity["position_data"] {
  const pair = (lat: unknown, long: unknown): [number, number] | undefined =>
    finite(lat) !== undefined && finite(long) !== undefined ? [semicirclesToDegrees(lat as number), semicirclesToDegrees(long as number)] : undefined;
  const firstSession = sessions[0];
  const lastSession = sessions[sessions.length - 1];
  const samples = samplesOf(records, stamp, timerAt, (r) => pair(r.positionLat, r.positionLong));
  const position = {
    ...defined("start_pos_lat_lng_deg", pair(firstSession?.startPositionLat, firstSession?.startPositionLong)),
    ...defined("end_pos_lat_lng_deg", pair(lastSession?.endPositionLat, lastSession?.endPositionLong)),
    ...(samples.length > 0
      ? { position_samples: samples.map((s) => ({ timestamp: s.timestamp, coords_lat_lng_deg: s.value, timer_duration_seconds: s.timer_duration_seconds })) }
      : {}),
  };
  return Object.keys(position).length > 0 ? position : undefined;
}

function lapSample(lap: Message, stamp: Stamp): LapSample {
  const start = msOf(lap.startTime);
  const elapsed = finite(lap.totalElapsedTime);
  const end = start !== undefined && elapsed !== undefined ? start + elapsed * 1000 : msOf(lap.timestamp);
  const timer = finite(lap.totalTimerTime);
  const trigger = typeof lap.lapTrigger === "string" ? LAP_TRIGGERS[lap.lapTrigger] : undefined;
  return {
    ...(start !== undefined ? { start_time: stamp(start) } : {}),
    ...(end !== undefined ? { end_time: stamp(end) } : {}),
    ...defined("distance_meters", round(finite(lap.totalDistance), 2)),
    ...defined("calories", finite(lap.totalCalories)),
    ...defined("avg_hr_bpm", finite(lap.avgHeartRate)),
    ...defined("avg_speed_meters_per_second", round(finite(lap.enhancedAvgSpeed) ?? finite(lap.avgSpeed), 3)),
    ...defined("avg_watts", finite(lap.avgPower)),
    ...defined("total_strokes", lap.sport === "swimming" || lap.swimStroke !== undefined ? finite(lap.totalCycles) : undefined),
    ...defined("stroke_type", typeof lap.swimStroke === "string" ? (SWIM_STROKES[lap.swimStroke] ?? "other") : undefined),
    ...defined("active_duration_seconds", timer === undefined ? undefined : Math.round(timer)),
    trigger_method: (trigger ?? "UNSPECIFIED") as LapSample["trigger_method"],
  } as LapSample;
}

function deviceData(fileId: Message, devices: Message[]): Activity["device_data"] {
  const creator = devices.find((device) => device.deviceIndex === "creator" || device.deviceIndex === 0) ?? {};
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined);
  const device = {
    ...defined("name", text(creator.productName) ?? text(fileId.productName)),
    ...defined("manufacturer", terraManufacturer(creator.manufacturer ?? fileId.manufacturer)),
    ...defined("serial_number", text(creator.serialNumber)),
    ...defined("software_version", text(creator.softwareVersion)),
    ...defined("hardware_version", text(creator.hardwareVersion)),
  };
  return Object.keys(device).length > 0 ? device : undefined;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function round(value: number | undefined, decimals: number): number | undefined {
  return value === undefined ? undefined : atResolution(value, decimals);
}
