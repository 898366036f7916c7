import { randomBytes } from "node:crypto";
import { createPostgresDatabase } from "../../src/state/index.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh schema per suite lets the tests run again on a machine where an earlier run left debris. */
export function uniqueSchema(): string {
  return `test_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const admin = await createPostgresDatabase({ url: TEST_DATABASE_URL });
  try {
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.close();
  }
}
