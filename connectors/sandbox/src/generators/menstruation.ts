import type { DateRange } from "@tributary/core/contracts";
import { sandboxProfile, type SandboxProfile } from "../profile/user-profile.ts";
import type { SandboxCycleDay, SandboxCyclePhase, SandboxFlow } from "../provider/records.ts";
import { rngFor } from "../random/prng.ts";
import { isoDate, localDaysOverlapping, localMidnightMs } from "../time/local-time.ts";

/**
 * Cycle k starts at anchor + k·L plus a seeded jitter of ±2 days, so cycle lengths vary (L−4 … L+4)
 * while any day's cycle is found without walking the whole history.
 */
function cycleStart(profile: SandboxProfile, k: number): number {
  return profile.cycleAnchorDay + k * profile.cycleLengthDays + rngFor(profile.userId, "cycle", k).int(-2, 2);
}

function cycleIndexOf(profile: SandboxProfile, day: number): number {
  let k = Math.floor((day - profile.cycleAnchorDay) / profile.cycleLengthDays);
  while (cycleStart(profile, k) > day) k--;
  while (cycleStart(profile, k + 1) <= day) k++;
  return k;
}

const FLOW_BY_DAY: readonly SandboxFlow[] = ["medium", "heavy", "medium", "light", "light", "spotting", "spotting", "spotting"];

/** One day of a plausible menstrual cycle: phase, cycle metadata and flow on period days. */
export function menstruationForDay(userId: string, day: number): SandboxCycleDay {
  const profile = sandboxProfile(userId);
  const k = cycleIndexOf(profile, day);
  const start = cycleStart(profile, k);
  const length = cycleStart(profile, k + 1) - start;
  const rng = rngFor(userId, "cycle", k, "details");
  const period = Math.min(8, Math.max(3, profile.periodLengthDays + rng.int(-1, 1)));
  const heavyFirstDay = rng.chance(0.4);
  const ovulation = Math.max(period + 2, length - 14);
  const fertileStart = Math.max(period + 1, ovulation - 5);

  // 1-based, inclusive day ranges within the cycle.
  const ranges: Array<[SandboxCyclePhase, number, number]> = [
    ["menstrual", 1, period],
    ["follicular", period + 1, fertileStart - 1],
    ["fertile", fertileStart, ovulation - 1],
    ["ovulation", ovulation, ovulation],
    ["luteal", ovulation + 1, length - 3],
    ["premenstrual", Math.max(ovulation + 1, length - 2), length],
  ];
  const phases = ranges
    .filter(([, from, to]) => to >= from)
    .map(([phase, from, to]) => ({ phase, startDate: isoDate(start + from - 1), endDate: isoDate(start + to) }));
  const dayInCycle = day - start + 1;
  const current = ranges.find(([, from, to]) => to >= from && dayInCycle >= from && dayInCycle <= to);
  const flowRng = rngFor(userId, "cycle", k, "flow", dayInCycle);

  let flow: SandboxFlow | null = null;
  if (dayInCycle <= period) {
    flow = dayInCycle === 1 && heavyFirstDay ? "heavy" : (FLOW_BY_DAY[dayInCycle - 1] ?? "spotting");
    if (dayInCycle === period && flowRng.chance(0.5)) flow = "spotting";
  }

  return {
    calendarDate: isoDate(day),
    athleteId: profile.providerUserId,
    utcOffsetMinutes: profile.offsetMinutes,
    cycle: {
      startDate: isoDate(start),
      lengthDays: length,
      periodLengthDays: period,
      averageLengthDays: profile.cycleLengthDays,
      ovulationDate: isoDate(start + ovulation - 1),
      fertileStartDate: isoDate(start + fertileStart - 1),
      fertileEndDate: isoDate(start + ovulation),
      phases,
    },
    dayInCycle,
    phase: current?.[0] ?? "luteal",
    flow,
    updatedAt: localMidnightMs(day, profile.offsetMinutes) / 1000 + flowRng.int(7 * 3600, 22 * 3600),
  };
}

/** One cycle day per local day the range touches. */
export function* generateMenstruation(userId: string, range: DateRange): Generator<SandboxCycleDay> {
  const { offsetMinutes } = sandboxProfile(userId);
  for (const day of localDaysOverlapping(range, offsetMinutes)) yield menstruationForDay(userId, day);
}
