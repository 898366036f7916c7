/**
 * Rounds to a number of decimals (sensor-like precision for generated values). Never returns -0: JSON
 * has no negative zero, so a record would not survive a round trip through a push or a queue unchanged.
 */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor + 0;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
