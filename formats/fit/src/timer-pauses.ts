import type { Activity } from "@tributary/schemas";
import { instantMs } from "./instants.ts";
import { finite, fitSeconds } from "./units.ts";

/** A stretch the activity's timer stood still (auto-pause, a stop at a crossing): FIT seconds. */
export interface TimerPause {
  stop: number;
  resume: number;
}

interface TimedSample {
  timestamp?: string | null;
  timer_duration_seconds?: number | null;
}

/**
 * Where the timer stood still, read from samples that carry both a timestamp and timer_duration_seconds:
 * between two samples whose clock time advanced more than their timer time (by a second or more, FIT's
 * resolution), the timer stopped right after the first and resumed in time to reach the second's timer
 * time. FIT records these as timer stop/start events, from which a reader computes each record's timer.
 */
export function timerPauses(activity: Activity, startMs: number): TimerPause[] {
  const candidates: Array<readonly TimedSample[] | null | undefined> = [
    activity.heart_rate_data?.detailed?.hr_samples,
    activity.distance_data?.detailed?.distance_samples,
    activity.power_data?.power_samples,
    activity.movement_data?.speed_samples,
    activity.movement_data?.cadence_samples,
    activity.position_data?.position_samples,
  ];
  const samples = candidates.find((list) => list?.some((s) => typeof s?.timestamp === "string" && finite(s.timer_duration_seconds) !== undefined));
  if (!samples) return [];
  const pauses: TimerPause[] = [];
  let clock = startMs / 1000;
  let timer = 0;
  for (const sample of samples) {
    const sampleTimer = finite(sample?.timer_duration_seconds);
    if (sampleTimer === undefined || typeof sample?.timestamp !== "string") continue;
    const sampleClock = instantMs(sample.timestamp) / 1000;
    if (!(sampleClock >= clock)) continue;
    const paused = sampleClock - clock - (sampleTimer - timer);
    if (paused >= 1) {
      const stop = fitSeconds(clock * 1000);
      const resume = fitSeconds((sampleClock - (sampleTimer - timer)) * 1000);
      if (resume > stop) pauses.push({ stop, resume });
    }
    clock = sampleClock;
    timer = sampleTimer;
  }
  return pauses;
}
