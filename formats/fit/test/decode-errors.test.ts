import { describe, expect, it } from "vitest";
import { Encoder, Profile } from "@garmin/fitsdk";
import { ErrorCodes, TributaryError } from "@tributary/core/contracts";
import { decodeActivityFit, encodeActivityFit } from "../src/index.ts";
import { fullRide, summaryOnly } from "./activities.ts";

const good = encodeActivityFit(fullRide({ seconds: 600 }));

function decodeError(bytes: Uint8Array): TributaryError {
  try {
    decodeActivityFit(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TributaryError);
    return error as TributaryError;
  }
  throw new Error("decoded without an error");
}

describe("files that are not a FIT activity get a clear error with a stable code, never a partial activity", () => {
  it.each([
    ["empty", new Uint8Array(0)],
    ["JSON", Buffer.from(JSON.stringify({ type: "activity", data: [] }))],
    ["an HTML error page", Buffer.from("<!doctype html><title>502 Bad Gateway</title>")],
    ["a GPX file", Buffer.from('<?xml version="1.0"?><gpx version="1.1"><trk></trk></gpx>')],
    ["a zip archive", Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(40).fill(0)])],
    ["11 bytes of a FIT header", good.subarray(0, 11)],
  ])("%s: ERR_FIT_NOT_FIT", (_label, bytes) => {
    const error = decodeError(bytes);
    expect(error.code).toBe(ErrorCodes.FIT_NOT_FIT);
    expect(error.errorClass).toBe("user");
    expect(error.hint).toBeTruthy();
  });

  it("a file cut anywhere after its header is ERR_FIT_TRUNCATED, saying how much is missing", () => {
    const cuts = [14, 15, 40, 100, 1000, Math.floor(good.length / 2), good.length - 3, good.length - 1];
    for (const cut of cuts) {
      const error = decodeError(good.subarray(0, cut));
      expect(error.code, `cut at ${cut}`).toBe(ErrorCodes.FIT_TRUNCATED);
      expect(error.message).toContain(`it has ${cut} bytes, its header announces ${good.length}`);
    }
  });

  it("a byte changed anywhere in the data is ERR_FIT_CORRUPT (the CRC no longer matches)", () => {
    for (const at of [14, 20, 200, Math.floor(good.length / 2), good.length - 30, good.length - 2]) {
      const damaged = Uint8Array.from(good);
      damaged[at] = damaged[at]! ^ 0x5a;
      const error = decodeError(damaged);
      expect(error.code, `byte ${at}`).toBe(ErrorCodes.FIT_CORRUPT);
    }
  });

  it("a FIT file of another kind (course, workout, settings) is ERR_FIT_NOT_ACTIVITY, naming its kind", () => {
    for (const type of ["course", "workout", "settings"]) {
      const encoder = new Encoder();
      encoder.onMesg(Profile.MesgNum.FILE_ID!, { type, manufacturer: "development", product: 1, timeCreated: new Date("2026-06-01T00:00:00Z") } as never);
      const error = decodeError(encoder.close());
      expect(error.code).toBe(ErrorCodes.FIT_NOT_ACTIVITY);
      expect(error.message).toContain(`"${type}"`);
    }
  });

  it("an activity file with neither a session nor records is ERR_FIT_NOT_ACTIVITY", () => {
    const encoder = new Encoder();
    encoder.onMesg(Profile.MesgNum.FILE_ID!, {
      type: "activity",
      manufacturer: "development",
      product: 1,
      timeCreated: new Date("2026-06-01T00:00:00Z"),
    } as never);
    expect(decodeError(encoder.close()).code).toBe(ErrorCodes.FIT_NOT_ACTIVITY);
  });

  it("a FIT file with trailing bytes after its CRC still decodes (chained or padded downloads)", () => {
    const padded = new Uint8Array(good.length + 16);
    padded.set(good);
    expect(decodeActivityFit(padded).metadata.type).toBe(16);
  });

  it("an activity that cannot be encoded (no start time) is ERR_FIT_ENCODE", () => {
    const broken = { ...summaryOnly(), metadata: { ...summaryOnly().metadata, start_time: "not a time" } };
    expect(() => encodeActivityFit(broken)).toThrow(expect.objectContaining({ code: ErrorCodes.FIT_ENCODE }));
  });
});
