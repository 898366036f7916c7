import { describe, expect, it } from "vitest";
import type { StandardRecord } from "../../src/contracts/data-types.ts";
import type { Normalized } from "../../src/runtime/normalize.ts";
import { foldRecordParts, memoryRecordParts, wholeRecords } from "../../src/runtime/record-parts.ts";

const USER = "0b7f3c1e-6a52-4c7e-9d1a-2f4e8b6c0a11";
const day = (start: string, rest: Record<string, unknown> = {}): StandardRecord => ({
  metadata: { start_time: start, end_time: start.replace("T00", "T23"), upload_type: 1 },
  ...rest,
});
const met = (time: string, level: number) => ({ timestamp: `2026-03-10T${time}:00.000000+01:00`, level });

describe("record parts", () => {
  it("fold: higher precedence wins where parts disagree, then the newer part; a missing or null value erases nothing", () => {
    const whole = foldRecordParts({
      summary: {
        precedence: 1,
        at: 1,
        record: { metadata: { start_time: "2026-03-10T00:00:00.000000+01:00", upload_type: 1 }, distance_data: { steps: 9000 } },
      },
      metrics: {
        precedence: -1,
        at: 3,
        record: { metadata: { start_time: "2026-03-10T00:00:00.000000+00:00" }, oxygen_data: { vo2max_ml_per_min_per_kg: 48 } },
      },
      later: { precedence: 0, at: 5, record: { distance_data: { steps: null, floors_climbed: 3 } } },
      earlier: { precedence: 0, at: 4, record: { distance_data: { floors_climbed: 2 } } },
    });
    expect(whole).toEqual({
      metadata: { start_time: "2026-03-10T00:00:00.000000+01:00", upload_type: 1 },
      distance_data: { steps: 9000, floors_climbed: 3 },
      oxygen_data: { vo2max_ml_per_min_per_kg: 48 },
    });
  });

  it("fold: lists of samples of one kind of part (one mapping's) are joined in time order (stable at equal times); other lists are values", () => {
    const whole = foldRecordParts({
      "epochs:b": { precedence: 0, at: 2, record: { MET_data: { MET_samples: [met("08:30", 3.3)] }, position: [52.5, 13.4] } },
      "epochs:a": { precedence: 0, at: 1, record: { MET_data: { MET_samples: [met("08:45", 9.8), met("08:30", 1)] }, position: [1, 2] } },
    });
    // a (older) first: 08:45, 08:30 (1); then b: 08:30 (3.3) → by time, ties in that order.
    expect(whole).toEqual({ MET_data: { MET_samples: [met("08:30", 1), met("08:30", 3.3), met("08:45", 9.8)] }, position: [52.5, 13.4] });
  });

  it("fold: a list of samples two kinds of part both give is the winning kind's, whole (higher precedence, then newer); an empty list erases nothing", () => {
    const hr = (time: string, bpm: number) => ({ timestamp: `2026-03-10T${time}.000000+01:00`, bpm });
    const details = { heart_rate_data: { summary: { avg_hr_bpm: 148 }, detailed: { hr_samples: [hr("17:30:00", 120), hr("17:30:10", 125)] } } };
    const file = {
      heart_rate_data: {
        summary: { avg_hr_bpm: 147, max_hr_bpm: 172 },
        detailed: { hr_samples: [hr("17:30:00", 121), hr("17:30:01", 122), hr("17:30:02", 123)] },
      },
      lap_data: { laps: [{ start_time: "2026-03-10T17:30:00.000000+01:00" }] },
    };
    // Whichever arrived first: the details (precedence 0) win over the file (-1), list and values; the file adds what they lack.
    for (const [detailsAt, fileAt] of [
      [1, 2],
      [2, 1],
    ])
      expect(
        foldRecordParts({
          "activity:1-detail": { precedence: 0, at: detailsAt!, record: details },
          activity_file: { precedence: -1, at: fileAt!, record: file },
        }),
      ).toEqual({
        ...details,
        heart_rate_data: { summary: { avg_hr_bpm: 148, max_hr_bpm: 172 }, detailed: details.heart_rate_data.detailed },
        lap_data: file.lap_data,
      });
    // Equal precedence: the kind with the newer part wins; the other kind's samples are not added.
    const newerFile = foldRecordParts({ details: { precedence: 0, at: 1, record: details }, file: { precedence: 0, at: 2, record: file } });
    expect(newerFile.heart_rate_data).toEqual(file.heart_rate_data);
    // A kind whose list is empty keeps the other's.
    const empty = foldRecordParts({
      details: { precedence: 0, at: 1, record: details },
      file: { precedence: 1, at: 2, record: { heart_rate_data: { detailed: { hr_samples: [] } } } },
    });
    expect(empty.heart_rate_data).toEqual(details.heart_rate_data);
  });

  it("whole records: the parts of one day in a batch give one record; a newer copy of a part replaces it; records without a part pass through", async () => {
    const store = memoryRecordParts();
    const summary = day("2026-03-10T00:00:00.000000+01:00", { distance_data: { steps: 11873 } });
    const slice1 = day("2026-03-10T00:00:00.000000+01:00", { MET_data: { MET_samples: [met("08:30", 1)] } });
    const slice2 = day("2026-03-10T00:00:00.000000+01:00", { MET_data: { MET_samples: [met("08:45", 9.8)] } });
    const other = day("2026-03-11T00:00:00.000000+01:00", { distance_data: { steps: 1 } });
    const batch: Normalized = {
      valid: [slice1, other, slice2, summary],
      rejected: [],
      parts: new Map([
        [slice1, { id: "epochs:1", precedence: 0 }],
        [slice2, { id: "epochs:2", precedence: 0 }],
        [summary, { id: "daily", precedence: 1 }],
      ]),
    };
    const first = await wholeRecords(store, USER, "daily", batch, 1000);
    expect(first).toEqual([{ ...summary, MET_data: { MET_samples: [met("08:30", 1), met("08:45", 9.8)] } }, other]);

    const revised = day("2026-03-10T00:00:00.000000+01:00", { MET_data: { MET_samples: [met("08:45", 10.1)] } });
    const [again] = await wholeRecords(
      store,
      USER,
      "daily",
      { valid: [revised], rejected: [], parts: new Map([[revised, { id: "epochs:2", precedence: 0 }]]) },
      2000,
    );
    expect(again).toEqual({ ...summary, MET_data: { MET_samples: [met("08:30", 1), met("08:45", 10.1)] } });

    const plain: Normalized = { valid: [other], rejected: [] };
    expect(await wholeRecords(store, USER, "daily", plain)).toBe(plain.valid);
  });
});
