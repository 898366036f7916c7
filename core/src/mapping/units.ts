/**
 * Units of measure that provider APIs use, converted to what the Terra Standard wants. Each unit belongs to
 * a dimension and is `factor` times the dimension's SI base (plus `offset` for temperatures). Pace (time
 * per distance) and speed convert into each other through the reciprocal, because providers report one
 * and Terra the other. Names are matched exactly first ("Cal" is a food calorie), then case-insensitively.
 */
export type Dimension =
  | "length"
  | "speed"
  | "pace"
  | "energy"
  | "mass"
  | "time"
  | "temperature"
  | "power"
  | "frequency"
  | "volume"
  | "ratio"
  | "angle"
  | "glucose";

export interface Unit {
  readonly name: string;
  readonly dimension: Dimension;
  /** Value × factor (+ offset) = value in the dimension's base unit. */
  readonly factor: number;
  readonly offset?: number;
  /** The value is an ISO-8601 duration text ("PT1H2M3S"), read as seconds. */
  readonly isoDuration?: boolean;
}

const MILE = 1609.344;
const FOOT = 0.3048;
const INCH = 0.0254;
const POUND = 0.45359237;
const KCAL = 4184;
/** mg/dL of glucose in one mmol/L (molar mass 180.16 g/mol). */
const GLUCOSE_MG_DL_PER_MMOL_L = 18.016;

const table: Array<[Dimension, number, string[]]> = [
  ["length", 1, ["m", "meter", "meters", "metre", "metres", "Meter"]],
  ["length", 1000, ["km", "kilometer", "kilometers", "kilometre", "kilometres", "Kilometer"]],
  ["length", 0.01, ["cm", "centimeter", "centimeters", "centimetre", "centimetres"]],
  ["length", 0.001, ["mm", "millimeter", "millimeters", "millimetre", "millimetres"]],
  ["length", MILE, ["mi", "mile", "miles", "Mile"]],
  ["length", 1852, ["nmi", "nautical_mile", "nautical_miles"]],
  ["length", 0.9144, ["yd", "yard", "yards"]],
  ["length", FOOT, ["ft", "foot", "feet"]],
  ["length", INCH, ["in", "inch", "inches"]],

  ["speed", 1, ["m/s", "mps", "meters_per_second"]],
  ["speed", 1000 / 3600, ["km/h", "kph", "kmh", "kmph", "kilometers_per_hour"]],
  ["speed", MILE / 3600, ["mph", "mi/h", "miles_per_hour"]],
  ["speed", FOOT, ["ft/s", "fps"]],
  ["speed", 1852 / 3600, ["kn", "kt", "knot", "knots"]],
  ["speed", 0.001, ["mm/s"]],
  ["speed", 0.01, ["cm/s"]],

  // Base: seconds per meter.
  ["pace", 1, ["s/m"]],
  ["pace", 60 / 1000, ["min/km", "minutes_per_kilometer"]],
  ["pace", 1 / 1000, ["s/km", "seconds_per_kilometer"]],
  ["pace", 60 / MILE, ["min/mi", "minutes_per_mile"]],
  ["pace", 1 / MILE, ["s/mi", "seconds_per_mile"]],
  ["pace", 60 / 500, ["min/500m"]],
  ["pace", 1 / 500, ["s/500m"]],
  ["pace", 60 / 100, ["min/100m"]],
  ["pace", 1 / 100, ["s/100m"]],
  ["pace", 60 / (100 * 0.9144), ["min/100yd"]],
  ["pace", 1 / (100 * 0.9144), ["s/100yd"]],

  ["energy", 1, ["J", "joule", "joules"]],
  ["energy", 1000, ["kJ", "kj", "kilojoule", "kilojoules"]],
  ["energy", 1e6, ["MJ", "megajoule", "megajoules"]],
  ["energy", 4.184, ["cal", "calorie_small"]],
  ["energy", KCAL, ["kcal", "Cal", "kilocalorie", "kilocalories", "calories", "Calories"]],
  ["energy", 3600, ["Wh", "watt_hour", "watt_hours"]],
  ["energy", 3.6e6, ["kWh", "kilowatt_hour", "kilowatt_hours"]],

  ["mass", 1, ["kg", "kilogram", "kilograms", "kilo", "kilos"]],
  ["mass", 0.001, ["g", "gram", "grams"]],
  ["mass", 1e-6, ["mg", "milligram", "milligrams"]],
  ["mass", 1e-9, ["ug", "µg", "mcg", "microgram", "micrograms"]],
  ["mass", POUND, ["lb", "lbs", "pound", "pounds"]],
  ["mass", POUND / 16, ["oz", "ounce", "ounces"]],
  ["mass", POUND * 14, ["st", "stone", "stones"]],

  ["time", 1, ["s", "sec", "secs", "second", "seconds"]],
  ["time", 0.001, ["ms", "millisecond", "milliseconds", "milli"]],
  ["time", 1e-6, ["us", "µs", "microsecond", "microseconds"]],
  ["time", 60, ["min", "mins", "minute", "minutes"]],
  ["time", 3600, ["h", "hr", "hrs", "hour", "hours"]],
  ["time", 86400, ["d", "day", "days"]],
  ["time", 604800, ["wk", "week", "weeks"]],

  ["power", 1, ["W", "watt", "watts"]],
  ["power", 1000, ["kW", "kilowatt", "kilowatts"]],

  // Base: per second. Cadence, heart rate, stroke and step rates are all "per minute".
  ["frequency", 1, ["Hz", "hz", "per_second"]],
  ["frequency", 1 / 60, ["rpm", "bpm", "spm", "per_minute", "/min", "brpm"]],
  ["frequency", 1 / 3600, ["per_hour", "/h"]],

  ["volume", 1, ["L", "l", "liter", "liters", "litre", "litres"]],
  ["volume", 0.001, ["mL", "ml", "milliliter", "milliliters", "millilitre", "millilitres"]],
  ["volume", 0.1, ["dL", "dl", "deciliter", "deciliters"]],
  ["volume", 0.0295735295625, ["fl_oz", "floz", "fluid_ounce", "fluid_ounces"]],
  ["volume", 0.2365882365, ["cup", "cups"]],
  ["volume", 3.785411784, ["gal", "gallon", "gallons"]],

  ["ratio", 1, ["fraction", "ratio"]],
  ["ratio", 0.01, ["%", "percent", "percentage"]],

  ["angle", 1, ["deg", "degree", "degrees"]],
  ["angle", 180 / Math.PI, ["rad", "radian", "radians"]],
  // FIT files store latitude/longitude in semicircles: 2^31 of them make 180 degrees.
  ["angle", 180 / 2 ** 31, ["semicircle", "semicircles"]],

  ["glucose", 1, ["mg/dL", "mg/dl", "mgdl"]],
  ["glucose", GLUCOSE_MG_DL_PER_MMOL_L, ["mmol/L", "mmol/l", "mmoll"]],
];

const exact = new Map<string, Unit>();
const folded = new Map<string, Unit>();

function register(unit: Unit, names: string[]): void {
  for (const name of names) {
    if (exact.has(name)) throw new Error(`unit ${name} declared twice`);
    exact.set(name, unit);
    const lower = name.toLowerCase();
    // A name that differs only in case from another unit's ("Cal" vs "cal") is matched exactly only.
    if (!folded.has(lower)) folded.set(lower, unit);
  }
}

for (const [dimension, factor, names] of table) register({ name: names[0]!, dimension, factor }, names);
register({ name: "C", dimension: "temperature", factor: 1 }, ["C", "celsius", "degC", "°C"]);
register({ name: "K", dimension: "temperature", factor: 1, offset: -273.15 }, ["K", "kelvin"]);
register({ name: "F", dimension: "temperature", factor: 5 / 9, offset: -32 * (5 / 9) }, ["F", "fahrenheit", "degF", "°F"]);
register({ name: "iso8601", dimension: "time", factor: 1, isoDuration: true }, ["iso8601", "iso8601_duration", "duration"]);

/** The unit named `name`, or undefined. */
export function findUnit(name: string): Unit | undefined {
  const trimmed = name.trim();
  return exact.get(trimmed) ?? folded.get(trimmed.toLowerCase());
}

/** Every unit name the engine accepts (for error messages and docs). */
export function unitNames(): string[] {
  return [...exact.keys()];
}

export type Converter = (value: number | string) => number | undefined;

/** Why two units cannot be converted, or undefined when they can. */
export function conversionProblem(from: string, to: string): string | undefined {
  const source = findUnit(from);
  const target = findUnit(to);
  if (!source) return `unknown unit ${JSON.stringify(from)}`;
  if (!target) return `unknown unit ${JSON.stringify(to)}`;
  if (target.isoDuration) return `cannot convert to an ISO-8601 duration; use a time unit such as "s"`;
  if (!compatible(source.dimension, target.dimension)) return `cannot convert ${source.dimension} (${from}) to ${target.dimension} (${to})`;
  return undefined;
}

const compatible = (a: Dimension, b: Dimension): boolean => a === b || (a === "speed" && b === "pace") || (a === "pace" && b === "speed");

const converters = new Map<string, Converter>();

/**
 * A function converting a value from one unit to another (cached per pair). A zero pace or speed
 * converted into the other has no finite value and comes back undefined.
 */
export function unitConverter(from: string, to: string): Converter {
  const key = `${from}\u0000${to}`;
  const cached = converters.get(key);
  if (cached) return cached;
  const problem = conversionProblem(from, to);
  if (problem) throw new RangeError(problem);
  const source = findUnit(from)!;
  const target = findUnit(to)!;
  const converter = buildConverter(source, target);
  converters.set(key, converter);
  return converter;
}

function buildConverter(source: Unit, target: Unit): Converter {
  const read = source.isoDuration ? parseIsoDurationSeconds : numeric;
  if (source.dimension !== target.dimension) {
    // speed ⇄ pace: base values are reciprocal (m/s ⇄ s/m).
    return (value) => {
      const base = read(value) * source.factor;
      return base === 0 || !Number.isFinite(base) ? undefined : 1 / base / target.factor;
    };
  }
  const sourceOffset = source.offset ?? 0;
  const targetOffset = target.offset ?? 0;
  if (sourceOffset === 0 && targetOffset === 0) {
    const ratio = source.factor / target.factor;
    if (ratio === 1) return (value) => read(value);
    // Dividing by a whole number keeps decimal results exact (8185 mm/s → 8.185 m/s, not 8.185000000000001).
    const inverse = target.factor / source.factor;
    if (Number.isInteger(inverse)) return (value) => read(value) / inverse;
    return (value) => read(value) * ratio;
  }
  return (value) => (read(value) * source.factor + sourceOffset - targetOffset) / target.factor;
}

function numeric(value: number | string): number {
  if (typeof value === "number") return value;
  throw new TypeError(`expected a number, got ${JSON.stringify(value)}`);
}

const ISO_DURATION =
  /^(-)?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const ISO_PART_SECONDS = [365.2425 * 86400, 30.436875 * 86400, 604800, 86400, 3600, 60, 1];

/** "PT1H2M3.5S" → 3723.5 seconds. Years and months count as their average length. */
export function parseIsoDurationSeconds(value: number | string): number {
  if (typeof value === "number") return value;
  const text = value.trim().toUpperCase();
  const match = text.length <= 64 ? ISO_DURATION.exec(text) : null;
  if (!match || text === "P" || text.endsWith("T")) throw new TypeError(`not an ISO-8601 duration: ${JSON.stringify(value)}`);
  let seconds = 0;
  for (let i = 0; i < ISO_PART_SECONDS.length; i++) {
    const part = match[i + 2];
    if (part !== undefined) seconds += Number(part.replace(",", ".")) * ISO_PART_SECONDS[i]!;
  }
  return match[1] ? -seconds : seconds;
}
