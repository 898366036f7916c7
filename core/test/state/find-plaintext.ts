import type { Database } from "../../src/state/index.ts";

/** Every encoding a careless implementation might store a secret in. */
export function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  return [secret, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")];
}

/** Scans every text-like column of every table in the current schema; returns `table.column` hits. */
export async function findInAnyColumn(db: Database, needles: readonly string[]): Promise<string[]> {
  const { rows: columns } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb', 'json', 'character varying')`,
  );
  const hits: string[] = [];
  for (const { table_name, column_name } of columns) {
    for (const needle of needles) {
      const { rows } = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM "${table_name}" WHERE strpos("${column_name}"::text, $1) > 0`, [needle]);
      if (Number(rows[0]?.n) > 0) hits.push(`${table_name}.${column_name}`);
    }
  }
  return hits;
}
