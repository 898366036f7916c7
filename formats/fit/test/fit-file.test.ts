import { randomBytes } from "node:crypto";
import { CrcCalculator, Profile } from "@garmin/fitsdk";
import { describe, expect, it } from "vitest";
import { fitCrc } from "../src/fit-crc.ts";
import { OWN_LOCAL_MESSAGE, writeFit, type FitMessage } from "../src/fit-file.ts";
import { encodeRecords } from "../src/record-section.ts";
import { readWithFitFileParser, readWithSdk } from "./decoders.ts";

describe("fitCrc", () => {
  it("is the SDK's CrcCalculator CRC for every length and start (four bytes at a time and the rest)", () => {
    for (let length = 0; length < 300; length++) {
      const bytes = new Uint8Array(randomBytes(length + 3));
      for (const start of [0, 1, 3])
        expect(fitCrc(bytes, start, start + length), `${length} bytes from ${start}`).toBe(CrcCalculator.calculateCRC(bytes, start, start + length));
    }
  });
});

const EVENT = Profile.MesgNum.EVENT!;
const T0 = 1_100_000_000;
const timer = (timestamp: number, eventType: string): FitMessage => ({ mesgNum: EVENT, fields: { timestamp, event: "timer", eventType, eventGroup: 0 } });
/** Records written outside the SDK (local message OWN_LOCAL_MESSAGE): one per second from `from`, heart rate 100 + i. */
const records = (from: number, count: number) => {
  const timestamp = Float64Array.from({ length: count }, (_, i) => from + i);
  return encodeRecords({ timestamp, heartRate: Float64Array.from({ length: count }, (_, i) => 100 + i) }, 0, count, OWN_LOCAL_MESSAGE);
};
const fileId: FitMessage = {
  mesgNum: Profile.MesgNum.FILE_ID!,
  fields: { type: "activity", manufacturer: "development", product: 0, serialNumber: 1234, timeCreated: T0 },
};

describe("writeFit: the SDK's messages with sections written outside it in between", () => {
  it("keeps every message in file order, with one SDK definition per kind of message", async () => {
    const bytes = writeFit([
      [fileId, timer(T0, "start")],
      records(T0, 5),
      [timer(T0 + 4, "stop"), timer(T0 + 10, "start")],
      records(T0 + 10, 3),
      [timer(T0 + 12, "stopAll")],
    ]);
    const { integrity, errors, messages } = readWithSdk(bytes);
    expect(integrity).toBe(true);
    expect(errors).toEqual([]);
    expect(messages.eventMesgs?.map((event) => event.eventType)).toEqual(["start", "stop", "start", "stopAll"]);
    expect(messages.recordMesgs?.map((record) => record.heartRate)).toEqual([100, 101, 102, 103, 104, 100, 101, 102]);
    const parsed = await readWithFitFileParser(bytes);
    expect(parsed.records).toHaveLength(8);
    expect(parsed.events.map((event: any) => event.event_type)).toEqual(["start", "stop", "start", "stop_all"]);
    // The SDK defines the event message once for all three of its sections; each records section defines its own.
    expect(definitions(bytes).map((definition) => definition.global)).toEqual([Profile.MesgNum.FILE_ID, EVENT, Profile.MesgNum.RECORD, Profile.MesgNum.RECORD]);
  });

  it("repeats an SDK definition that a section redefined before the SDK uses it again", async () => {
    // Sixteen kinds of event message (different fields present) make the SDK use every local message, the
    // last one being the records' too; the records section redefines it, and the SDK's next message of that
    // kind needs its own definition back.
    const values: Record<string, unknown> = {
      timestamp: T0,
      event: "timer",
      eventType: "marker",
      eventGroup: 0,
      data16: 3,
      score: 1,
      opponentScore: 2,
      frontGearNum: 2,
      frontGear: 50,
      rearGearNum: 11,
      rearGear: 17,
      deviceIndex: 1,
      activityType: "cycling",
      startTimestamp: T0,
      radarThreatLevelMax: "threatNone",
      radarThreatCount: 4,
    };
    const names = Object.keys(values);
    const kindOf = (n: number): FitMessage => ({ mesgNum: EVENT, fields: Object.fromEntries(names.slice(0, n + 1).map((name) => [name, values[name]])) });
    const fifteen = Array.from({ length: 15 }, (_, n) => kindOf(n + 1));
    const bytes = writeFit([[fileId, ...fifteen], records(T0, 2), [kindOf(15), kindOf(14)]]);
    const { integrity, errors, messages } = readWithSdk(bytes);
    expect(integrity).toBe(true);
    expect(errors).toEqual([]);
    expect(messages.recordMesgs?.map((record) => record.heartRate)).toEqual([100, 101]);
    const events = messages.eventMesgs!;
    expect(events).toHaveLength(17);
    const all = { radarThreatLevelMax: "threatNone", radarThreatCount: 4, rearGear: 17, activityType: "cycling" };
    expect(events[14]).toMatchObject(all);
    expect(events[15], "after the records").toMatchObject(all);
    expect(events[16]).toMatchObject({ radarThreatLevelMax: "threatNone", rearGear: 17 });
    expect(events[16]!.radarThreatCount).toBeUndefined();
    // Local message 15: the SDK's event definition, the records', then the SDK's again.
    expect(
      definitions(bytes)
        .filter((definition) => definition.local === OWN_LOCAL_MESSAGE)
        .map((definition) => definition.global),
    ).toEqual([EVENT, Profile.MesgNum.RECORD, EVENT]);
    const parsed = await readWithFitFileParser(bytes);
    expect(parsed.records).toHaveLength(2);
    expect(parsed.events).toHaveLength(17);
  });
});

/** The definition messages of a file in order, found by walking its messages (normal headers only). */
function definitions(bytes: Uint8Array): Array<{ local: number; global: number }> {
  const found: Array<{ local: number; global: number }> = [];
  const sizes: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes[0]!; at < bytes.length - 2; ) {
    const header = bytes[at]!;
    const local = header & 0x0f;
    if (header & 0x40) {
      found.push({ local, global: view.getUint16(at + 3, true) });
      const fields = bytes[at + 5]!;
      sizes[local] = Array.from({ length: fields }, (_, f) => bytes[at + 7 + 3 * f]!).reduce((sum, size) => sum + size, 0);
      at += 6 + 3 * fields;
    } else at += 1 + sizes[local]!;
  }
  return found;
}
