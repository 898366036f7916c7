/** Drivers disagree on `undefined` (pg sends NULL, PGlite may reject it), so both get NULL. */
export function normalizeParams(params: readonly unknown[] | undefined): unknown[] {
  return params === undefined ? [] : params.map((value) => (value === undefined ? null : value));
}
