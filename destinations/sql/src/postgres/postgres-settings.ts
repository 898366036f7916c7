import { percentDecoded } from "@tributary/core/contracts";
import { configError } from "../destination-errors.ts";
import { DEFAULT_SCHEMA, MAX_SCHEMA_LENGTH, type SqlOptions } from "../options.ts";
import { assertIdentifier, commonSettings, parseUrl, type CommonSettings } from "../settings.ts";

export interface PostgresSettings extends CommonSettings {
  /** Holds the password: for the driver only, never for a message. */
  connectionString: string;
  schema: string;
}

/** Fold the separate options into one connection string: node-postgres reads them all from there. */
export function postgresSettings(name: string, options: SqlOptions): PostgresSettings {
  if (options.dialect !== "postgres") throw configError(name, "not a postgres configuration", "Set dialect to postgres.");
  const common = commonSettings(name, options);
  const schema = assertIdentifier(name, "schema", options.schema ?? DEFAULT_SCHEMA, MAX_SCHEMA_LENGTH);
  const url = parseUrl(name, options.url, "postgres://localhost:5432/", ["postgres:", "postgresql:"]);
  if (options.host !== undefined) url.hostname = options.host;
  if (options.port !== undefined) url.port = String(options.port);
  if (options.user !== undefined) url.username = encodeURIComponent(options.user);
  if (options.password !== undefined) url.password = encodeURIComponent(options.password);
  if (options.database !== undefined) url.pathname = `/${encodeURIComponent(options.database)}`;
  if (options.ssl !== undefined && !url.searchParams.has("ssl") && !url.searchParams.has("sslmode")) {
    url.searchParams.set("ssl", options.ssl ? "true" : "0");
  }
  const password = options.password ?? percentDecoded(url.password);
  const user = percentDecoded(url.username) || "(default user)";
  const database = percentDecoded(url.pathname.slice(1)) || "(default database)";
  const target = `postgres://${user}@${url.hostname || "localhost"}:${url.port || "5432"}/${database} schema ${schema}`;
  return {
    ...common,
    schema,
    connectionString: url.toString(),
    errors: { name, target, secrets: password ? [password] : [] },
  };
}
