import { OxygenSaturationType, SleepUploadType, TimestampLocalization, type Sleep, type SleepHypnogramSample } from "@tributary/schemas";
import type { SandboxSleep } from "../provider/records.ts";
import { terraTimestamp } from "../time/terra-timestamp.ts";
import { mapDevice } from "./device.ts";
import type { SandboxMapOptions } from "./options.ts";
import { HR_CONTEXT_NOT_ACTIVE, SLEEP_LEVEL, UNKNOWN_SLEEP_LEVEL, recoveryLevel } from "./terra-codes.ts";

const AWAKE = "4";

interface StageRun {
  stage: string;
  from: number;
  length: number;
}

function runsOf(hypnogram: string): StageRun[] {
  const runs: StageRun[] = [];
  for (let i = 0; i < hypnogram.length; i++) {
    const stage = hypnogram[i] ?? AWAKE;
    const last = runs[runs.length - 1];
    if (last && last.stage === stage) last.length++;
    else runs.push({ stage, from: i, length: 1 });
  }
  return runs;
}

/**
 * A sandbox sleep period → Terra Sleep. Every duration is derived from the provider's hypnogram, so
 * stage durations always add up to the time in bed.
 */
export function mapSleep(sleep: SandboxSleep, options: SandboxMapOptions): Sleep {
  const offset = sleep.utcOffsetMinutes;
  const epoch = sleep.epochSeconds;
  const at = (seconds: number) => terraTimestamp((sleep.bedtimeStart + seconds) * 1000, offset);
  const runs = runsOf(sleep.hypnogram);
  const seconds = (stage: string) => runs.filter((r) => r.stage === stage).reduce((sum, r) => sum + r.length * epoch, 0);
  const first = runs[0];
  const last = runs[runs.length - 1];
  const latency = first && first.stage === AWAKE ? first.length * epoch : 0;
  const wakeUpLatency = last && last.stage === AWAKE && runs.length > 1 ? last.length * epoch : 0;
  const interruptions = runs.filter((r, i) => r.stage === AWAKE && i > 0 && i < runs.length - 1);
  const inBed = sleep.bedtimeEnd - sleep.bedtimeStart;
  const light = seconds("2");
  const deep = seconds("1");
  const rem = seconds("3");
  const asleep = light + deep + rem;
  const samples = options.withSamples && sleep.epochs ? sleep.epochs : null;
  const epochTime = (i: number) => at(i * epoch);

  const hypnogram: SleepHypnogramSample[] = runs.map((run) => ({
    timestamp: epochTime(run.from),
    level: SLEEP_LEVEL[run.stage] ?? UNKNOWN_SLEEP_LEVEL,
  }));

  return {
    metadata: {
      summary_id: sleep.id,
      start_time: at(0),
      end_time: at(inBed),
      is_nap: sleep.kind === "nap",
      upload_type: SleepUploadType.code("Automatic"),
      timestamp_localization: TimestampLocalization.code("Local"),
    },
    sleep_durations_data: {
      sleep_efficiency: Math.round((asleep / inBed) * 1000) / 10,
      asleep: {
        duration_asleep_state_seconds: asleep,
        duration_light_sleep_state_seconds: light,
        duration_deep_sleep_state_seconds: deep,
        duration_REM_sleep_state_seconds: rem,
        num_REM_events: runs.filter((r) => r.stage === "3").length,
      },
      awake: {
        duration_awake_state_seconds: seconds(AWAKE),
        duration_short_interruption_seconds: interruptions.filter((r) => r.length === 1).reduce((sum, r) => sum + r.length * epoch, 0),
        duration_long_interruption_seconds: interruptions.filter((r) => r.length > 1).reduce((sum, r) => sum + r.length * epoch, 0),
        num_wakeup_events: interruptions.length,
        num_out_of_bed_events: 0,
        sleep_latency_seconds: latency,
        wake_up_latency_seconds: wakeUpLatency,
      },
      other: { duration_in_bed_seconds: inBed, duration_unmeasurable_sleep_seconds: 0 },
      ...(options.withSamples ? { hypnogram_samples: hypnogram } : {}),
    },
    heart_rate_data: {
      summary: {
        avg_hr_bpm: sleep.heartRate.avg,
        min_hr_bpm: sleep.heartRate.lowest,
        max_hr_bpm: sleep.heartRate.max,
        resting_hr_bpm: sleep.heartRate.lowest,
        avg_hrv_rmssd: sleep.avgHrvRmssd,
      },
      ...(samples
        ? {
            detailed: {
              hr_samples: samples.heartRate.map((bpm, i) => ({ timestamp: epochTime(i), bpm, context: HR_CONTEXT_NOT_ACTIVE })),
              hrv_samples_rmssd: samples.hrv.map((hrv, i) => ({ timestamp: epochTime(i), hrv_rmssd: hrv })),
            },
          }
        : {}),
    },
    respiration_data: {
      breaths_data: {
        avg_breaths_per_min: sleep.respiratoryRate.avg,
        min_breaths_per_min: sleep.respiratoryRate.min,
        max_breaths_per_min: sleep.respiratoryRate.max,
        on_demand_reading: false,
        start_time: at(0),
        end_time: at(inBed),
        ...(samples ? { samples: samples.breathing.map((rate, i) => ({ timestamp: epochTime(i), breaths_per_min: rate })) } : {}),
      },
      oxygen_saturation_data: {
        avg_saturation_percentage: sleep.avgSpo2,
        start_time: at(0),
        end_time: at(inBed),
        ...(samples
          ? {
              samples: samples.spo2.map((percentage, i) => ({
                timestamp: epochTime(i),
                percentage,
                type: OxygenSaturationType.code("Blood"),
              })),
            }
          : {}),
      },
      ...(sleep.snoring
        ? {
            snoring_data: {
              num_snoring_events: sleep.snoring.events,
              total_snoring_duration_seconds: sleep.snoring.seconds,
              start_time: at(0),
              end_time: at(inBed),
              ...(options.withSamples && sleep.snoringBouts
                ? { samples: sleep.snoringBouts.map(([offsetSeconds, duration]) => ({ timestamp: at(offsetSeconds), duration_seconds: duration })) }
                : {}),
            },
          }
        : {}),
    },
    readiness_data: { readiness: sleep.readinessScore, recovery_level: recoveryLevel(sleep.readinessScore) },
    temperature_data: { delta: sleep.temperatureDeviation },
    scores: { sleep: sleep.sleepScore },
    device_data: mapDevice(sleep.device, ["HEART_RATE", "SLEEP_TYPE", "OXYGEN_SATURATION"]),
  };
}
