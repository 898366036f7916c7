import { randomUUID } from "node:crypto";
import { DATA_TYPES, formatIssues, getSchemaRegistry, modelSchemaId } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { pull, utcDays } from "./run-pull.ts";

/** 60 days of 3 users, with samples: every record must validate against its Terra Standard schema. */
const USERS = ["sandbox-schema-a", "sandbox-schema-b", randomUUID()];
const RANGE = utcDays("2026-09-01", 60);

describe.each(DATA_TYPES)("SANDBOX %s records", (dataType) => {
  it.each(USERS)("validate against the Terra Standard schema for user %s", async (userId) => {
    const registry = getSchemaRegistry();
    const records = await pull(dataType, userId, RANGE, true);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      const result = registry.validate(modelSchemaId(dataType), record);
      if (!result.ok) expect.fail(`${dataType} for ${userId} is invalid:\n${formatIssues(result.issues)}`);
    }
  });
});
