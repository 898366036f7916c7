import { Profile } from "@garmin/fitsdk";
import { ErrorCodes, UserError, isTributaryError } from "@tributary/core/contracts";
import type { Activity, LapSample } from "@tributary/schemas";
import { fitHardwareVersion, fitManufacturer, fitSerialNumber, fitSoftwareVersion, stableSerial } from "./device.ts";
import { OWN_LOCAL_MESSAGE, writeFit, type FitMessage, type FitSection } from "./fit-file.ts";
import { instantMs, readInstant } from "./instants.ts";
import { encodeRecords } from "./record-section.ts";
import { SampleClock } from "./sample-clock.ts";
import { sampleRows } from "./sample-rows.ts";
import { fitSportOf, isOnFoot, type FitSport } from "./sport-map.ts";
import { timerPauses } from "./timer-pauses.ts";
import { degreesToSemicircles, finite, fitSeconds, splitCadence } from "./units.ts";

const MesgNum = {
  fileId: Profile.MesgNum.FILE_ID!,
  deviceInfo: Profile.MesgNum.DEVICE_INFO!,
  event: Profile.MesgNum.EVENT!,
  lap: Profile.MesgNum.LAP!,
  session: Profile.MesgNum.SESSION!,
  timeInZone: Profile.MesgNum.TIME_IN_ZONE!,
  activity: Profile.MesgNum.ACTIVITY!,
};

const LAP_TRIGGERS: Record<string, string> = {
  MANUAL: "manual",
  TIME: "time",
  DISTANCE: "distance",
  POSITION_START: "positionStart",
  POSITION_LAP: "positionLap",
  POSITION_WAYPOINT: "positionWaypoint",
  POSITION_MARKED: "positionMarked",
  SESSION_END: "sessionEnd",
  FITNESS_EQUIPMENT: "fitnessEquipment",
};
// FIT has no "other" stroke: a lap of several strokes is "mixed", which reads back as "other".
const SWIM_STROKES: Record<string, string> = {
  freestyle: "freestyle",
  backstroke: "backstroke",
  breaststroke: "breaststroke",
  butterfly: "butterfly",
  other: "mixed",
};

/**
 * A Terra Standard Activity as a FIT activity file (Garmin's FIT protocol, profile of @garmin/fitsdk):
 * file_id, the creator's device_info, timer events (start, the pauses read from the samples, stop), one
 * record per second of samples, laps from `lap_data` (one lap for the whole session when it has none),
 * the session summary and the activity message. An activity without samples gives a summary-only file.
 *
 * Throws a UserError `ERR_FIT_ENCODE` when the activity cannot be written (no valid start time).
 */
export function encodeActivityFit(activity: Activity): Uint8Array {
  try {
    return encode(activity);
  } catch (error) {
    if (isTributaryError(error)) throw error;
    throw new UserError(ErrorCodes.FIT_ENCODE, `Activity ${describe(activity)} cannot be written as a FIT file: ${(error as Error).message}`, {
      cause: error,
      hint: "This is a bug in the FIT encoder or an activity the schema should have refused: report it with the activity's JSON.",
    });
  }
}

function describe(activity: Activity): string {
  const id = (activity as { metadata?: { summary_id?: unknown } } | null)?.metadata?.summary_id;
  return typeof id === "string" ? `"${id}"` : "(no summary_id)";
}

function encode(activity: Activity): Uint8Array {
  const metadata = activity?.metadata;
  const start = typeof metadata?.start_time === "string" ? readInstant(metadata.start_time) : undefined;
  if (!start || Number.isNaN(start.ms)) {
    throw new UserError(ErrorCodes.FIT_ENCODE, `Activity ${describe(activity)} has no valid metadata.start_time: a FIT file needs one`, {
      hint: "Validate the activity against the Terra Standard schema before encoding it.",
    });
  }
  const endMs = typeof metadata.end_time === "string" ? instantMs(metadata.end_time) : NaN;
  const startS = fitSeconds(start.ms);
  const endS = Number.isNaN(endMs) ? startS : Math.max(startS, fitSeconds(endMs));
  const sport = fitSportOf(metadata.type);
  const onFoot = isOnFoot(sport.sport);

  const clock = new SampleClock(start.ms);
  const { rows, count } = sampleRows(activity, clock, onFoot);
  const pauses = timerPauses(activity, start.ms, clock);
  const pausedSeconds = pauses.reduce((sum, pause) => sum + (pause.resume - pause.stop), 0);
  const timerSeconds = finite(activity.active_durations_data?.activity_seconds) ?? Math.max(0, endS - startS - pausedSeconds);

  const sections: FitSection[] = [
    [
      { mesgNum: MesgNum.fileId, fields: fileId(activity, startS) },
      { mesgNum: MesgNum.deviceInfo, fields: creatorDevice(activity, startS) },
      timerEvent(startS, "start"),
    ],
  ];

  // Records, with each pause's stop/start events where it happened.
  let from = 0;
  for (const pause of pauses) {
    let to = from;
    while (to < count && rows.timestamp[to]! <= pause.stop) to++;
    if (to > from) sections.push(encodeRecords(rows, from, to, OWN_LOCAL_MESSAGE));
    sections.push([timerEvent(pause.stop, "stop"), timerEvent(pause.resume, "start")]);
    from = to;
  }
  if (count > from) sections.push(encodeRecords(rows, from, count, OWN_LOCAL_MESSAGE));

  const laps = lapMessages(activity, sport, startS, endS, timerSeconds);
  sections.push([
    ...laps,
    timerEvent(endS, "stopAll"),
    { mesgNum: MesgNum.session, fields: session(activity, sport, onFoot, startS, endS, timerSeconds, laps.length) },
    ...timeInZone(activity, endS),
    {
      mesgNum: MesgNum.activity,
      fields: {
        timestamp: endS,
        totalTimerTime: timerSeconds,
        numSessions: 1,
        type: "manual",
        event: "activity",
        eventType: "stop",
        localTimestamp: endS + start.offsetMinutes * 60,
      },
    },
  ]);
  return writeFit(sections);
}

function timerEvent(timestamp: number, eventType: "start" | "stop" | "stopAll"): FitMessage {
  return { mesgNum: MesgNum.event, fields: { timestamp, event: "timer", eventType, eventGroup: 0 } as Record<string, unknown> };
}

function fileId(activity: Activity, startS: number): Record<string, unknown> {
  const device = activity.device_data;
  return {
    type: "activity",
    manufacturer: fitManufacturer(device?.manufacturer),
    product: 0,
    serialNumber: fitSerialNumber(device?.serial_number) ?? stableSerial(activity.metadata.summary_id),
    timeCreated: startS,
    ...(device?.name ? { productName: device.name } : {}),
  };
}

function creatorDevice(activity: Activity, startS: number): Record<string, unknown> {
  const device = activity.device_data;
  return {
    timestamp: startS,
    deviceIndex: "creator",
    manufacturer: fitManufacturer(device?.manufacturer),
    product: 0,
    serialNumber: fitSerialNumber(device?.serial_number),
    softwareVersion: fitSoftwareVersion(device?.software_version),
    hardwareVersion: fitHardwareVersion(device?.hardware_version),
    productName: device?.name ?? undefined,
  };
}

/** Speed in m/s as the 32-bit enhanced field, and the 16-bit legacy one when it fits (readers before 2014). */
function speeds(avg: number | undefined, max: number | undefined, prefix = ""): Record<string, unknown> {
  const legacy = (v: number | undefined) => (v !== undefined && v <= 65.534 ? v : undefined);
  return {
    [`${prefix}enhancedAvgSpeed`]: avg,
    [`${prefix}enhancedMaxSpeed`]: max,
    [`${prefix}avgSpeed`]: legacy(avg),
    [`${prefix}maxSpeed`]: legacy(max),
  };
}

function cadenceFields(avg: number | undefined, max: number | undefined, onFoot: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const factor = onFoot ? 0.5 : 1;
  if (avg !== undefined) {
    const { whole, fraction } = splitCadence(avg * factor);
    fields.avgCadence = whole;
    fields.avgFractionalCadence = fraction;
  }
  if (max !== undefined) {
    const { whole, fraction } = splitCadence(max * factor);
    fields.maxCadence = whole;
    fields.maxFractionalCadence = fraction;
  }
  return fields;
}

function session(
  activity: Activity,
  sport: FitSport,
  onFoot: boolean,
  startS: number,
  endS: number,
  timerSeconds: number,
  numLaps: number,
): Record<string, unknown> {
  const hr = activity.heart_rate_data?.summary;
  const distance = activity.distance_data?.summary;
  const elevation = distance?.elevation;
  const swimming = distance?.swimming;
  const movement = activity.movement_data;
  const power = activity.power_data;
  const tss = activity.TSS_data?.TSS_samples?.[0];
  const position = activity.position_data;
  const calories = finite(activity.calories_data?.total_burned_calories) ?? finite(activity.calories_data?.net_activity_calories);
  const work = finite(activity.work_data?.work_kilojoules);
  const ascent = finite(elevation?.gain_actual_meters);
  const descent = finite(elevation?.loss_actual_meters);
  const steps = finite(distance?.steps);
  const zones = hr?.hr_zone_data?.filter((zone) => finite(zone?.zone) !== undefined && zone.zone! >= 0) ?? [];
  const zoneTimes =
    zones.length > 0
      ? Array.from({ length: Math.max(...zones.map((zone) => zone.zone!)) + 1 }, (_, i) => finite(zones.find((zone) => zone.zone === i)?.duration_seconds) ?? 0)
      : undefined;
  const latLng = (pair: unknown): { lat?: number; long?: number } => {
    const [lat, lng] = Array.isArray(pair) ? (pair as number[]) : [];
    return finite(lat) !== undefined && finite(lng) !== undefined ? { lat: degreesToSemicircles(lat!), long: degreesToSemicircles(lng!) } : {};
  };
  const startPosition = latLng(position?.start_pos_lat_lng_deg);
  const endPosition = latLng(position?.end_pos_lat_lng_deg);
  // Swim strokes and on-foot strides are FIT "cycles"; Terra counts steps (two per stride).
  const cycles = swimming && finite(swimming.num_strokes) !== undefined ? swimming.num_strokes! : onFoot && steps !== undefined ? steps / 2 : undefined;

  return {
    timestamp: endS,
    messageIndex: 0,
    event: "session",
    eventType: "stop",
    trigger: "activityEnd",
    startTime: startS,
    sport: sport.sport,
    subSport: sport.subSport,
    totalElapsedTime: endS - startS,
    totalTimerTime: timerSeconds,
    totalDistance: finite(distance?.distance_meters),
    totalCalories: calories,
    avgHeartRate: finite(hr?.avg_hr_bpm),
    maxHeartRate: finite(hr?.max_hr_bpm),
    minHeartRate: finite(hr?.min_hr_bpm),
    avgPower: finite(power?.avg_watts),
    maxPower: finite(power?.max_watts),
    normalizedPower: finite(tss?.normalized_power_watts),
    trainingStressScore: finite(tss?.actual),
    intensityFactor: finite(tss?.intensity_factor_actual),
    ...speeds(finite(movement?.avg_speed_meters_per_second), finite(movement?.max_speed_meters_per_second)),
    ...cadenceFields(finite(movement?.avg_cadence_rpm), finite(movement?.max_cadence_rpm), onFoot),
    totalAscent: ascent !== undefined ? Math.floor(ascent) : undefined,
    totalFractionalAscent: ascent !== undefined ? ascent - Math.floor(ascent) : undefined,
    totalDescent: descent !== undefined ? Math.floor(descent) : undefined,
    totalFractionalDescent: descent !== undefined ? descent - Math.floor(descent) : undefined,
    enhancedAvgAltitude: finite(elevation?.avg_meters),
    enhancedMinAltitude: finite(elevation?.min_meters),
    enhancedMaxAltitude: finite(elevation?.max_meters),
    totalCycles: cycles !== undefined ? Math.floor(cycles) : undefined,
    totalFractionalCycles: cycles !== undefined ? cycles - Math.floor(cycles) : undefined,
    numLengths: finite(swimming?.num_laps),
    poolLength: finite(swimming?.pool_length_meters),
    poolLengthUnit: finite(swimming?.pool_length_meters) !== undefined ? "metric" : undefined,
    totalWork: work !== undefined ? work * 1000 : undefined,
    startPositionLat: startPosition.lat,
    startPositionLong: startPosition.long,
    endPositionLat: endPosition.lat,
    endPositionLong: endPosition.long,
    timeInHrZone: zoneTimes,
    firstLapIndex: 0,
    numLaps,
  };
}

/** HR zone context: the athlete's maximum and resting heart rate the zones were computed against. */
function timeInZone(activity: Activity, endS: number): FitMessage[] {
  const hr = activity.heart_rate_data?.summary;
  const max = finite(hr?.user_max_hr_bpm);
  const resting = finite(hr?.resting_hr_bpm);
  if (max === undefined && resting === undefined) return [];
  return [
    {
      mesgNum: MesgNum.timeInZone,
      fields: { timestamp: endS, referenceMesg: "session", referenceIndex: 0, maxHeartRate: max, restingHeartRate: resting, hrCalcType: "percentMaxHr" },
    },
  ];
}

function lapMessages(activity: Activity, sport: FitSport, startS: number, endS: number, timerSeconds: number): FitMessage[] {
  const laps = (activity.lap_data?.laps ?? []).filter((lap): lap is LapSample => lap !== null && typeof lap === "object");
  if (laps.length === 0) {
    // A FIT activity has at least one lap: the whole session.
    const summary = session(activity, sport, isOnFoot(sport.sport), startS, endS, timerSeconds, 1);
    return [
      {
        mesgNum: MesgNum.lap,
        fields: {
          timestamp: endS,
          messageIndex: 0,
          event: "lap",
          eventType: "stop",
          lapTrigger: "sessionEnd",
          startTime: startS,
          sport: sport.sport,
          subSport: sport.subSport,
          totalElapsedTime: endS - startS,
          totalTimerTime: timerSeconds,
          totalDistance: summary.totalDistance,
          totalCalories: summary.totalCalories,
          avgHeartRate: summary.avgHeartRate,
          maxHeartRate: summary.maxHeartRate,
          avgPower: summary.avgPower,
          maxPower: summary.maxPower,
          enhancedAvgSpeed: summary.enhancedAvgSpeed,
          avgSpeed: summary.avgSpeed,
        },
      },
    ];
  }
  const bounds = laps.map((lap) => ({
    start: typeof lap.start_time === "string" ? fitSeconds(instantMs(lap.start_time)) : NaN,
    end: typeof lap.end_time === "string" ? fitSeconds(instantMs(lap.end_time)) : NaN,
  }));
  return laps.map((lap, index) => {
    // A lap without times starts where the previous one ended and ends where the next one starts.
    const own = bounds[index]!;
    const lapStart =
      own.start === own.start ? own.start : index === 0 ? startS : bounds[index - 1]!.end === bounds[index - 1]!.end ? bounds[index - 1]!.end : startS;
    const lapEnd =
      own.end === own.end
        ? own.end
        : index === laps.length - 1
          ? endS
          : bounds[index + 1]!.start === bounds[index + 1]!.start
            ? bounds[index + 1]!.start
            : endS;
    const elapsed = Math.max(0, lapEnd - lapStart);
    const speed = finite(lap.avg_speed_meters_per_second);
    return {
      mesgNum: MesgNum.lap,
      fields: {
        timestamp: lapEnd,
        messageIndex: index,
        event: "lap",
        eventType: "stop",
        lapTrigger: typeof lap.trigger_method === "string" ? LAP_TRIGGERS[lap.trigger_method] : undefined,
        startTime: lapStart,
        sport: sport.sport,
        subSport: sport.subSport,
        totalElapsedTime: elapsed,
        totalTimerTime: finite(lap.active_duration_seconds) ?? elapsed,
        totalDistance: finite(lap.distance_meters),
        totalCalories: finite(lap.calories),
        avgHeartRate: finite(lap.avg_hr_bpm),
        avgPower: finite(lap.avg_watts),
        enhancedAvgSpeed: speed,
        avgSpeed: speed !== undefined && speed <= 65.534 ? speed : undefined,
        totalCycles: finite(lap.total_strokes),
        swimStroke: typeof lap.stroke_type === "string" ? SWIM_STROKES[lap.stroke_type] : undefined,
      },
    };
  });
}
