import type { Activity } from "@tributary/schemas";
import type { SampleClock, TimedSample } from "./sample-clock.ts";
import { finite, fitSeconds } from "./units.ts";

/** A stretch the activity's timer stood still (auto-pause, a stop at a crossing): FIT seconds. */
export interface TimerPause {
  stop: number;
  resume: number;
}

/**
 * Where the timer stood still, read from samples that carry both a timestamp and timer_duration_seconds:
 * between two samples whose clock time advanced more than their timer time (by a second or more, FIT's
 * resolution), the timer stopped right after the first and resumed in time to reach the second's timer
 * time. FIT records these as timer stop/start events, from which a reader computes each record's timer.
 */
export function timerPauses(activity: Activity, startMs: number, sampleClock: SampleClock): TimerPause[] {
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
  const instants = sampleClock.instants(samples);
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i];
    const sampleTimer = finite(sample?.timer_duration_seconds);
    if (sampleTimer === undefined || typeof sample?.timestamp !== "string") continue;
    const at = instants[i]! / 1000;
    if (!(at >= clock)) continue;
    const paused = at - clock - (sampleTimer - timer);
    if (paused >= 1) {
      const stop = fitSeconds(clock * 1000);
      const resume = fitSeconds((at - (sampleTimer - timer)) * 1000);
      if (resume > stop) pauses.push({ stop, resume });
    }
    clock = at;
    timer = sampleTimer;
  }
  return pauses;
}
