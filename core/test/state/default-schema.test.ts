import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.ts";
import { openState } from "../../src/runtime/open-state.ts";
import { TEST_DATABASE_URL } from "./test-databases.ts";

/*
 * Without database.schema, Tributary's tables go into their own `tributary` schema, not `public`; an
 * install that already has them in `public` keeps using them there and is told how to decide. Each case
 * gets a database of its own, so the `tributary` and `public` schemas it looks at are its alone.
 */

const admin = () => new pg.Client({ connectionString: TEST_DATABASE_URL });

async function tablesBySchema(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string; n: string }>(
      "SELECT table_schema AS schema, count(*) AS n FROM information_schema.tables WHERE table_schema IN ('public', 'tributary') GROUP BY 1",
    );
    return Object.fromEntries(rows.map((row) => [row.schema, Number(row.n)]));
  } finally {
    await client.end();
  }
}

describe("the state store's default PostgreSQL schema", () => {
  const databases: string[] = [];
  let dir: string;

  const freshDatabase = async () => {
    const name = `t_schema_${randomBytes(5).toString("hex")}`;
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    databases.push(name);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    return url.href;
  };

  const open = async (url: string, schema?: string) => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
    const store = await openState({ databaseUrl: url, dataDir: dir, encryptionKey: randomBytes(32).toString("base64"), log, ...(schema ? { schema } : {}) });
    await store.db.close();
    return lines.join("");
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-schema-"));
  });

  afterAll(async () => {
    const client = admin();
    await client.connect();
    for (const name of databases) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
    await rm(dir, { recursive: true, force: true });
  });

  it("is a dedicated tributary schema: nothing lands in public", async () => {
    const url = await freshDatabase();
    const said = await open(url);
    const tables = await tablesBySchema(url);
    expect(tables.tributary).toBeGreaterThan(5);
    expect(tables.public).toBeUndefined();
    expect(said).not.toContain("public");
    // A second start finds them there.
    await open(url);
    expect(await tablesBySchema(url)).toEqual(tables);
  });

  it("keeps an existing install's tables in public, with a warning that says how to decide", async () => {
    const url = await freshDatabase();
    await open(url, "public");
    const before = await tablesBySchema(url);
    const said = await open(url);
    expect(await tablesBySchema(url)).toEqual(before);
    expect(before.tributary).toBeUndefined();
    expect(said).toContain("set database.schema: public to keep them there");
  });
});
