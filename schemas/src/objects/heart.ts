import type { Static } from "@sinclair/typebox";
import { AFibFlag } from "../enums/afib-flag.ts";
import { child, enumField, list, num, subObject, timestamp } from "../typebox.ts";
import { HeartRateDataSchema } from "./heart-rate.ts";

export const AFibClassificationSampleSchema = subObject(
  "AFibClassificationSample",
  {
    timestamp: timestamp(),
    afib_classification: enumField(AFibFlag),
  },
  { slug: "afib-classification-sample" },
);
export type AFibClassificationSample = Static<typeof AFibClassificationSampleSchema>;

/** One point of a raw ECG trace, in microvolts. */
export const RawECGSampleSchema = subObject(
  "RawECGSample",
  {
    potential_uV: num(),
    timestamp: timestamp(),
  },
  { slug: "raw-ecg-sample" },
);
export type RawECGSample = Static<typeof RawECGSampleSchema>;

export const ECGReadingSchema = subObject(
  "ECGReading",
  {
    start_timestamp: timestamp(),
    avg_hr_bpm: num(),
    afib_classification: enumField(AFibFlag),
    raw_signal: list(RawECGSampleSchema),
  },
  { slug: "ecg-reading" },
);
export type ECGReading = Static<typeof ECGReadingSchema>;

export const PulseVelocitySampleSchema = subObject("PulseVelocitySample", {
  timestamp: timestamp(),
  pulse_wave_velocity_meters_per_second: num(),
});
export type PulseVelocitySample = Static<typeof PulseVelocitySampleSchema>;

export const RRIntervalSampleSchema = subObject(
  "RRIntervalSample",
  {
    rr_interval_ms: num(),
    timestamp: timestamp(),
    hr_bpm: num(),
  },
  { slug: "rr-interval-sample" },
);
export type RRIntervalSample = Static<typeof RRIntervalSampleSchema>;

export const HeartDataSchema = subObject("HeartData", {
  afib_classification_samples: list(AFibClassificationSampleSchema),
  ecg_signal: list(ECGReadingSchema),
  heart_rate_data: child(HeartRateDataSchema),
  pulse_wave_velocity_samples: list(PulseVelocitySampleSchema),
  rr_interval_samples: list(RRIntervalSampleSchema),
});
export type HeartData = Static<typeof HeartDataSchema>;
