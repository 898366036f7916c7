import { randomBytes } from "node:crypto";
import type { ConnectorSpec, StreamSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../../src/contracts/connector.ts";
import { silentLogger } from "../../src/log/logger.ts";
import type { ProviderClient } from "../../src/provider-http/provider-client.ts";
import { createPostgresDatabase, createStateStore, createTokenCipher, migrate, type StateStore } from "../../src/state/index.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../state/test-databases.ts";
import type { ExpressionCompiler } from "../../src/streams/expressions.ts";
import type { StreamReading } from "../../src/streams/read-stream.ts";
import { createStreamExecutor, type StreamExecutorOptions } from "../../src/streams/stream-executor.ts";

/**
 * A stand-in for the mapping engine's JSONata filter compiler, enough for tests: `field = "text"`,
 * `field != "text"`, `field = true|false|<number>` on dotted paths.
 */
export const testExpressions: ExpressionCompiler = (expression) => {
  const match = /^([A-Za-z_][\w.]*)\s*(=|!=)\s*(".*"|true|false|-?\d+(?:\.\d+)?)$/.exec(expression.trim());
  if (!match) throw new Error(`test expression not understood: ${expression}`);
  const [, path, operator, literal] = match;
  const expected: unknown = JSON.parse(literal!);
  return (record: ProviderRecord) => {
    let value: unknown = record;
    for (const key of path!.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    return operator === "=" ? value === expected : value !== expected;
  };
};

/** A state store on the test PostgreSQL in a schema of its own (migrated), dropped by `close`. */
export async function testStore(): Promise<{ store: StateStore; close(): Promise<void> }> {
  const schema = uniqueSchema();
  const db = await createPostgresDatabase({ url: TEST_DATABASE_URL, schema });
  await migrate(db);
  return {
    store: createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) }),
    async close() {
      await db.close();
      await dropSchema(schema);
    },
  };
}

export function executorFor(spec: Pick<ConnectorSpec, "name" | "sync">, options: Omit<StreamExecutorOptions, "spec"> = {}) {
  return createStreamExecutor({ spec, compileExpression: testExpressions, log: silentLogger(), ...options });
}

export async function collect(reading: StreamReading | AsyncIterable<ProviderRecord>): Promise<ProviderRecord[]> {
  const out: ProviderRecord[] = [];
  for await (const record of reading) out.push(record);
  return out;
}

/** A minimal stream: GET path, records at `records`, id at /id. */
export function stream(overrides: Partial<StreamSpec> & { path?: string }): StreamSpec {
  const { path, ...rest } = overrides;
  return { name: `s_${randomBytes(3).toString("hex")}`, id: "/id", request: { path: path ?? "/items" }, ...rest };
}

export const session = (client: ProviderClient, options: Parameters<ProviderClient["session"]>[0] = {}) => client.session(options);

export const ids = (records: ProviderRecord[]) => records.map((r) => r.id);
