import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, migrate, openDatabase, loadMigrations } from "../../src/state/index.ts";
import { stateStoreSuite } from "./state-store-suite.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "./test-databases.ts";

const schema = uniqueSchema();
stateStoreSuite(`state store on PostgreSQL (schema ${schema})`, {
  open: () => createPostgresDatabase({ url: TEST_DATABASE_URL, schema }),
  cleanup: () => dropSchema(schema),
});

describe("PostgreSQL specifics", () => {
  const schemas: string[] = [];
  const fresh = (): string => {
    const name = uniqueSchema();
    schemas.push(name);
    return name;
  };
  afterAll(async () => {
    for (const name of schemas) await dropSchema(name);
  });

  it("lets two processes migrate the same empty schema at once", async () => {
    const target = fresh();
    const [a, b] = await Promise.all([
      createPostgresDatabase({ url: TEST_DATABASE_URL, schema: target }),
      createPostgresDatabase({ url: TEST_DATABASE_URL, schema: target }),
    ]);
    try {
      const results = await Promise.all([migrate(a), migrate(b)]);
      const files = (await loadMigrations()).map((m) => m.name);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(files.sort());
      const { rows } = await a.query<{ n: unknown }>("SELECT count(*) AS n FROM schema_migrations");
      expect(Number(rows[0]?.n)).toBe(files.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("keeps each schema's tables to itself", async () => {
    const target = fresh();
    const db = await createPostgresDatabase({ url: TEST_DATABASE_URL, schema: target });
    try {
      await migrate(db);
      const { rows } = await db.query<{ s: string }>("SELECT current_schema() AS s");
      expect(rows[0]?.s).toBe(target);
      const { rows: tables } = await db.query<{ n: unknown }>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'connections'",
        [target],
      );
      expect(Number(tables[0]?.n)).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("openDatabase picks PostgreSQL when a URL is given", async () => {
    const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "/nonexistent", schema: fresh() });
    try {
      expect(db.kind).toBe("postgres");
    } finally {
      await db.close();
    }
  });

  it("rejects schema names that search_path would not match", async () => {
    await expect(createPostgresDatabase({ url: TEST_DATABASE_URL, schema: "Bad-Name" })).rejects.toMatchObject({
      code: "ERR_STATE_INVALID_ARGUMENT",
    });
  });

  it("reports an unreachable server as a retryable error", async () => {
    const db = await createPostgresDatabase({ url: "postgres://postgres@127.0.0.1:1/none" });
    try {
      await expect(db.query("SELECT 1")).rejects.toMatchObject({
        code: "ERR_STATE_DATABASE_UNAVAILABLE",
        errorClass: "transient",
      });
    } finally {
      await db.close();
    }
  });
});
