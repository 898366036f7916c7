const MAX_DIFFERENCES = 12;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Where a value differs from the expected one, as sentences naming each field
 * ("heart_rate_data.summary.avg_hr_bpm: expected 151, got 150"); empty when they are equal (JSON
 * equality: key order does not matter, 1 equals 1.0).
 */
export function differences(expected: unknown, actual: unknown): string[] {
  const found: string[] = [];
  let more = 0;
  const note = (path: string, message: string) => {
    if (found.length < MAX_DIFFERENCES) found.push(`${path === "" ? "(record)" : path}: ${message}`);
    else more += 1;
  };
  walk(expected, actual, "", note);
  if (more > 0) found.push(`… and ${more} more difference${more === 1 ? "" : "s"}`);
  return found;
}

function walk(expected: unknown, actual: unknown, path: string, note: (path: string, message: string) => void): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return note(path, `expected a list of ${expected.length}, got ${show(actual)}`);
    if (expected.length !== actual.length) note(path, `expected ${expected.length} items, got ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) walk(expected[i], actual[i], `${path}[${i}]`, note);
    return;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return note(path, `expected an object, got ${show(actual)}`);
    const expectedObject = expected as Record<string, unknown>;
    const actualObject = actual as Record<string, unknown>;
    for (const key of Object.keys(expectedObject)) {
      const child = join(path, key);
      if (!Object.hasOwn(actualObject, key)) note(child, `expected ${show(expectedObject[key])}, but it is absent`);
      else walk(expectedObject[key], actualObject[key], child, note);
    }
    for (const key of Object.keys(actualObject)) {
      if (!Object.hasOwn(expectedObject, key)) note(join(path, key), `not expected, got ${show(actualObject[key])}`);
    }
    return;
  }
  if (expected !== actual) note(path, `expected ${show(expected)}, got ${show(actual)}`);
}

const join = (path: string, key: string): string => (IDENTIFIER.test(key) ? (path === "" ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`);

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
