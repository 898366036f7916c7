import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ActivityType,
  DeviceDataType,
  ENUMS,
  getSchemaRegistry,
  LapTriggerMethod,
  SleepUploadType,
  StrokeType,
  UploadType,
  type Activity,
  type Sleep,
} from "../src/index.ts";

describe("enum tables", () => {
  it("look names and codes up both ways", () => {
    expect(UploadType.name(1)).toBe("Automatic");
    expect(UploadType.code("Automatic")).toBe(1);
    expect(ActivityType.code("Running")).toBe(8);
    expect(ActivityType.name(149)).toBe("Trail Running");
    expect(SleepUploadType.name(1)).toBe("Manual");
    expect(UploadType.name(42)).toBeUndefined();
    expect(UploadType.code("Sideways")).toBeUndefined();
  });

  it("match SDK-style names loosely", () => {
    expect(UploadType.code("THIRD_PARTY_UPLOAD")).toBe(6);
    expect(ActivityType.code("e-mountain biking")).toBe(153);
    expect(ActivityType.code("P90X_EXERCISES")).toBe(47);
  });

  it("keep the gaps of ActivityType", () => {
    expect(ActivityType.codes).toHaveLength(146);
    for (const gap of [2, 6, 72, 107, 109, 110, 111, 112, 121]) expect(ActivityType.has(gap)).toBe(false);
    expect(Math.max(...ActivityType.codes)).toBe(154);
  });

  it("derive a JSON schema listing codes and names", () => {
    expect(UploadType.schema).toMatchObject({
      $id: "https://tributary.dev/schemas/2022-03-16/enums/upload-type.json",
      title: "UploadType",
      type: "integer",
      enum: [0, 1, 2, 3, 4, 5, 6],
    });
    expect(UploadType.schema.description).toContain("6 Third party upload");
    expect(DeviceDataType.schema).toMatchObject({ type: "string", enum: expect.arrayContaining(["STEPS", "SLEEP_TYPE"]) });
    expect(StrokeType.codes).toEqual(["other", "freestyle", "backstroke", "breaststroke", "butterfly"]);
    expect(LapTriggerMethod.has("POSITION_WAYPOINT")).toBe(true);
  });

  it("are all registered and validate their codes", () => {
    const registry = getSchemaRegistry();
    for (const table of Object.values(ENUMS)) {
      expect(registry.get(table.title)?.["$id"]).toBe(table.schema.$id);
      for (const code of table.codes) expect(registry.validate(table.title, code).ok).toBe(true);
      expect(registry.validate(table.title, table.kind === "integer" ? 9999 : "NOPE").ok).toBe(false);
    }
  });

  it("give literal TS types", () => {
    expectTypeOf(UploadType.name(1)).toEqualTypeOf<"Automatic">();
    expectTypeOf(ActivityType.code("Running")).toEqualTypeOf<8>();
    // @ts-expect-error checked by `pnpm typecheck`: a wrong literal fails it (expectTypeOf does nothing at run time)
    expectTypeOf(ActivityType.code("Running")).toEqualTypeOf<9>();
    expect(ActivityType.code("Running")).toBe(8);
    expectTypeOf<UploadType>().toEqualTypeOf<0 | 1 | 2 | 3 | 4 | 5 | 6>();
    expectTypeOf<Activity["metadata"]["type"]>().toEqualTypeOf<ActivityType>();
    expectTypeOf<Sleep["metadata"]["upload_type"]>().toEqualTypeOf<SleepUploadType>();
    expectTypeOf<NonNullable<Activity["device_data"]>["data_provided"]>().toEqualTypeOf<DeviceDataType[] | null | undefined>();
  });
});
