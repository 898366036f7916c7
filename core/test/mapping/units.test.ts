import { describe, expect, it } from "vitest";
import { conversionProblem, findUnit, parseIsoDurationSeconds, unitConverter, unitNames } from "../../src/mapping/units.ts";

const convert = (value: number | string, from: string, to: string) => unitConverter(from, to)(value);

describe("units", () => {
  // One row per unit the engine knows (canonical name): 1 of it, expressed in the dimension's base unit.
  const oneInBase: Array<[string, string, number]> = [
    ["m", "m", 1],
    ["km", "m", 1000],
    ["cm", "m", 0.01],
    ["mm", "m", 0.001],
    ["mi", "m", 1609.344],
    ["nmi", "m", 1852],
    ["yd", "m", 0.9144],
    ["ft", "m", 0.3048],
    ["in", "m", 0.0254],
    ["m/s", "m/s", 1],
    ["km/h", "m/s", 1 / 3.6],
    ["mph", "m/s", 0.44704],
    ["ft/s", "m/s", 0.3048],
    ["kn", "m/s", 1852 / 3600],
    ["mm/s", "m/s", 0.001],
    ["cm/s", "m/s", 0.01],
    ["s/m", "s/m", 1],
    ["min/km", "s/m", 0.06],
    ["s/km", "s/m", 0.001],
    ["min/mi", "s/m", 60 / 1609.344],
    ["s/mi", "s/m", 1 / 1609.344],
    ["min/500m", "s/m", 0.12],
    ["s/500m", "s/m", 0.002],
    ["min/100m", "s/m", 0.6],
    ["s/100m", "s/m", 0.01],
    ["min/100yd", "s/m", 60 / 91.44],
    ["s/100yd", "s/m", 1 / 91.44],
    ["J", "J", 1],
    ["kJ", "J", 1000],
    ["MJ", "J", 1e6],
    ["cal", "J", 4.184],
    ["kcal", "J", 4184],
    ["Wh", "J", 3600],
    ["kWh", "J", 3.6e6],
    ["kg", "kg", 1],
    ["g", "kg", 0.001],
    ["mg", "kg", 1e-6],
    ["ug", "kg", 1e-9],
    ["lb", "kg", 0.45359237],
    ["oz", "kg", 0.45359237 / 16],
    ["st", "kg", 6.35029318],
    ["s", "s", 1],
    ["ms", "s", 0.001],
    ["us", "s", 1e-6],
    ["min", "s", 60],
    ["h", "s", 3600],
    ["d", "s", 86400],
    ["wk", "s", 604800],
    ["W", "W", 1],
    ["kW", "W", 1000],
    ["Hz", "Hz", 1],
    ["rpm", "Hz", 1 / 60],
    ["per_hour", "Hz", 1 / 3600],
    ["L", "L", 1],
    ["mL", "L", 0.001],
    ["dL", "L", 0.1],
    ["fl_oz", "L", 0.0295735295625],
    ["cup", "L", 0.2365882365],
    ["gal", "L", 3.785411784],
    ["fraction", "fraction", 1],
    ["%", "fraction", 0.01],
    ["deg", "deg", 1],
    ["rad", "deg", 180 / Math.PI],
    ["semicircle", "deg", 180 / 2 ** 31],
    ["mg/dL", "mg/dL", 1],
    ["mmol/L", "mg/dL", 18.016],
  ];

  it.each(oneInBase)("1 %s is %s %s", (unit, base, value) => {
    expect(convert(1, unit, base)).toBeCloseTo(value, 12);
    expect(convert(value, base, unit)).toBeCloseTo(1, 12);
  });

  it("knows every unit through one of the rows above, and every alias converts to its canonical unit", () => {
    const canonical = new Set(oneInBase.map(([unit]) => findUnit(unit)!.name));
    for (const name of unitNames()) {
      const unit = findUnit(name)!;
      if (unit.dimension === "temperature" || unit.isoDuration) continue;
      expect(canonical.has(unit.name), name).toBe(true);
      expect(convert(7, name, unit.name)).toBeCloseTo(7, 12);
    }
  });

  it("converts temperatures with their offsets", () => {
    expect(convert(100, "C", "F")).toBeCloseTo(212, 10);
    expect(convert(98.6, "F", "C")).toBeCloseTo(37, 10);
    expect(convert(0, "K", "C")).toBeCloseTo(-273.15, 10);
    expect(convert(33.7, "celsius", "K")).toBeCloseTo(306.85, 10);
  });

  it("converts between pace and speed through the reciprocal; a standstill has no pace", () => {
    expect(convert(2, "min/500m", "m/s")).toBeCloseTo(500 / 120, 10); // Peloton rower split pace
    expect(convert(5, "m/s", "min/km")).toBeCloseTo(1000 / 5 / 60, 10);
    expect(convert(10, "km/h", "min/km")).toBeCloseTo(6, 10);
    expect(convert(0, "m/s", "min/km")).toBeUndefined();
    expect(convert(0, "min/km", "m/s")).toBeUndefined();
  });

  it("reads ISO-8601 durations as seconds (Polar)", () => {
    expect(convert("PT1H2M3S", "iso8601", "s")).toBe(3723);
    expect(convert("PT1H2M3.5S", "iso8601", "min")).toBeCloseTo(62.058333, 5);
    expect(parseIsoDurationSeconds("P1DT2H")).toBe(93600);
    expect(parseIsoDurationSeconds("P2W")).toBe(1209600);
    expect(parseIsoDurationSeconds("-PT30S")).toBe(-30);
    for (const bad of ["P", "PT", "1H", "PT1X", "P".repeat(100)]) expect(() => parseIsoDurationSeconds(bad), bad).toThrow(/not an ISO-8601 duration/);
  });

  it("keeps decimal results exact where a whole-number divisor allows", () => {
    expect(convert(8185, "mm/s", "m/s")).toBe(8.185);
    expect(convert(1569.34, "kJ", "J")).toBe(1569340);
    expect(convert(300000, "ms", "s")).toBe(300);
  });

  it("matches names exactly first, then without case", () => {
    expect(findUnit("Cal")!.name).toBe("kcal"); // a food calorie
    expect(findUnit("cal")!.name).toBe("cal");
    expect(findUnit("KJ")!.name).toBe("kJ"); // Peloton writes "kj"
    expect(findUnit("Kilometer")!.name).toBe("km"); // Fitbit's distanceUnit
    expect(findUnit(" mi ")!.name).toBe("mi");
    expect(findUnit("furlong")).toBeUndefined();
  });

  it("says why a conversion is impossible", () => {
    expect(conversionProblem("mi", "kg")).toBe("cannot convert length (mi) to mass (kg)");
    expect(conversionProblem("furlong", "m")).toBe('unknown unit "furlong"');
    expect(conversionProblem("s", "iso8601")).toMatch(/cannot convert to an ISO-8601 duration/);
    expect(() => unitConverter("mi", "kcal")).toThrow(RangeError);
    expect(() => convert("12", "m", "km")).toThrow(/expected a number/);
  });
});
