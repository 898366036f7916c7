import { TimestampLocalization, type Menstruation } from "@tributary/schemas";
import type { SandboxCycleDay } from "../provider/records.ts";
import { dayNumberOfIsoDate, isoDate } from "../time/local-time.ts";
import { terraMidnight, terraTimestampFromUnix } from "../time/terra-timestamp.ts";
import type { SandboxMapOptions } from "./options.ts";
import { MENSTRUATION_FLOW, MENSTRUATION_PHASE } from "./terra-codes.ts";

/** A sandbox cycle day → Terra Menstruation for that local day. */
export function mapMenstruation(record: SandboxCycleDay, _options: SandboxMapOptions): Menstruation {
  const offset = record.utcOffsetMinutes;
  const day = dayNumberOfIsoDate(record.calendarDate);
  const { cycle } = record;
  const current = cycle.phases.find((p) => p.startDate <= record.calendarDate && record.calendarDate < p.endDate);
  const currentEnd = current ? dayNumberOfIsoDate(current.endDate) : day + 1;
  return {
    metadata: {
      start_time: terraMidnight(record.calendarDate, offset),
      end_time: terraMidnight(isoDate(day + 1), offset),
      timestamp_localization: TimestampLocalization.code("Local"),
    },
    menstruation_data: {
      period_start_date: cycle.startDate,
      period_length_days: cycle.periodLengthDays,
      cycle_length_days: cycle.lengthDays,
      predicted_cycle_length_days: cycle.averageLengthDays,
      day_in_cycle: record.dayInCycle,
      current_phase: MENSTRUATION_PHASE[record.phase],
      length_of_current_phase_days: current ? currentEnd - dayNumberOfIsoDate(current.startDate) : 1,
      days_until_next_phase: currentEnd - day,
      is_predicted_cycle: false,
      last_updated_time: terraTimestampFromUnix(record.updatedAt, offset),
      ovulation_day: cycle.ovulationDate,
      fertility_window_start: cycle.fertileStartDate,
      fertility_window_end: cycle.fertileEndDate,
      menstruation_flow: record.flow === null ? [] : [{ timestamp: terraTimestampFromUnix(record.updatedAt, offset), flow: MENSTRUATION_FLOW[record.flow] }],
      intervals: cycle.phases.map((p) => ({
        start_timestamp: terraMidnight(p.startDate, offset),
        end_timestamp: terraMidnight(p.endDate, offset),
        phase: MENSTRUATION_PHASE[p.phase],
      })),
    },
  };
}
