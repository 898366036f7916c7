import { Utils } from "@garmin/fitsdk";

/** FIT positions are semicircles: 2^31 of them make 180 degrees. */
const SEMICIRCLES_PER_DEGREE = 2 ** 31 / 180;

export const degreesToSemicircles = (degrees: number): number => Math.round(degrees * SEMICIRCLES_PER_DEGREE);
export const semicirclesToDegrees = (semicircles: number): number => semicircles / SEMICIRCLES_PER_DEGREE;

/** FIT date_time: whole seconds since the FIT epoch (1989-12-31T00:00:00Z), rounded to the nearest. */
export const fitSeconds = (unixMs: number): number => Math.round((unixMs - Utils.FIT_EPOCH_MS) / 1000);
export const unixMsOf = (fitSecondsValue: number): number => fitSecondsValue * 1000 + Utils.FIT_EPOCH_MS;

/** A finite number, or undefined for null, undefined, NaN and infinities. */
export function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Rounds away a decoded value's floating-point noise at the field's resolution (e.g. 1/1000 → 3 decimals). */
export function atResolution(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** FIT cadence is a whole number plus a fraction in 1/128: the two fields of one value. */
export function splitCadence(value: number): { whole: number; fraction: number } {
  const whole = Math.floor(value);
  return { whole, fraction: value - whole };
}
