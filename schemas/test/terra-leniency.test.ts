import { describe, expect, it } from "vitest";
import { formatIssues, getSchemaRegistry, type DataType } from "../src/index.ts";
import { fixture } from "./support/fixtures.ts";

const registry = getSchemaRegistry();

/**
 * Payloads Terra's own published schemas accept must pass ours. Where Terra documents no format (device
 * `last_upload_date`, `activation_timestamp`: a plain string, the latter with an ISO example only) or only gives examples of values (`strain_traffic_light`, a lap's `stroke_type`),
 * any text is valid there; where it documents a format or a closed set, we stay as strict as it is.
 */

// Spellings a provider may put in a field Terra types as a plain string.
const FREE_TEXT = [
  "2024-03-01T10:00:00.000000+01:00",
  "2024-03-01",
  "2024-03-01 10:00:00",
  "Tue, 05 Mar 2024 10:00:00 GMT",
  "1709632800",
  "03/05/2024",
  "yesterday",
  "",
  "GREEN",
  "green",
  "YELLOW",
  "purple-ish",
  "medley",
  "ñandú ✓",
];

function accepted(dataType: DataType, record: unknown): string {
  const result = registry.validate(dataType, record);
  return result.ok ? "ok" : formatIssues(result.issues);
}

describe("fields Terra types as plain strings accept any text, as Terra's schemas do", () => {
  const withDevice: DataType[] = ["activity", "body", "daily", "sleep"];

  for (const dataType of withDevice) {
    it(`${dataType}: device_data.last_upload_date and other_devices[].last_upload_date`, () => {
      for (const text of FREE_TEXT) {
        const record = fixture("models", dataType);
        record.device_data ??= {};
        record.device_data.last_upload_date = text;
        record.device_data.other_devices = [{ name: "HRM", last_upload_date: text }];
        expect(accepted(dataType, record), JSON.stringify(text)).toBe("ok");
      }
    });
  }

  for (const dataType of withDevice) {
    it(`${dataType}: device_data.activation_timestamp (an ISO example, no documented format)`, () => {
      for (const text of FREE_TEXT) {
        const record = fixture("models", dataType);
        record.device_data ??= {};
        record.device_data.activation_timestamp = text;
        expect(accepted(dataType, record), JSON.stringify(text)).toBe("ok");
      }
    });
  }

  it("daily: data_enrichment.strain_traffic_light (GREEN, AMBER, RED are examples, not a closed set)", () => {
    for (const text of FREE_TEXT) {
      const record = fixture("models", "daily");
      record.data_enrichment.strain_traffic_light = text;
      expect(accepted("daily", record), JSON.stringify(text)).toBe("ok");
    }
  });

  it("activity: lap_data.laps[].stroke_type (an example, not a closed set)", () => {
    for (const text of FREE_TEXT) {
      const record = fixture("models", "activity");
      record.lap_data.laps[0].stroke_type = text;
      expect(accepted("activity", record), JSON.stringify(text)).toBe("ok");
    }
  });

  it("null is still accepted in each of them", () => {
    const daily = fixture("models", "daily");
    daily.data_enrichment.strain_traffic_light = null;
    daily.device_data.last_upload_date = null;
    daily.device_data.activation_timestamp = null;
    expect(accepted("daily", daily)).toBe("ok");
  });

  it("a non-string is still refused there", () => {
    const daily = fixture("models", "daily");
    daily.data_enrichment.strain_traffic_light = 3;
    expect(accepted("daily", daily)).toMatch(/data_enrichment\.strain_traffic_light: expected a string/);
    const sleep = fixture("models", "sleep");
    sleep.device_data ??= {};
    sleep.device_data.activation_timestamp = 1709632800;
    expect(accepted("sleep", sleep)).toMatch(/device_data\.activation_timestamp: expected a string/);
  });
});

describe("where Terra documents a format or a closed set, we stay strict", () => {
  it("a lap trigger_method outside the documented list is refused", () => {
    const record = fixture("models", "activity");
    record.lap_data.laps[0].trigger_method = "WHENEVER";
    expect(accepted("activity", record)).toMatch(/trigger_method: "WHENEVER" is not a known LapTriggerMethod/);
  });

  it("an integer enum code outside Terra's enum is refused", () => {
    const record = fixture("models", "activity");
    record.metadata.upload_type = 42;
    expect(accepted("activity", record)).toMatch(/metadata\.upload_type: 42 is not a known UploadType/);
  });

  it("a timestamp documented as ISO 8601 must be one", () => {
    for (const text of ["2024-03-01 10:00:00", "yesterday", "1709632800"]) {
      const record = fixture("models", "activity");
      record.metadata.start_time = text;
      expect(accepted("activity", record), text).toMatch(/metadata\.start_time: .* is not an ISO-8601 date-time/);
    }
  });

  it("the date of birth, documented as ISO 8601, must be a date or date-time", () => {
    const athlete = fixture("models", "athlete");
    athlete.date_of_birth = "05/03/1990";
    expect(accepted("athlete", athlete)).toMatch(/date_of_birth: "05\/03\/1990" is not an ISO-8601 date/);
  });
});
