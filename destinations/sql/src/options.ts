/** Options of the `sql` destination, as written in the operator's config. */
export interface SqlOptions {
  /** Which server speaks at the other end. MariaDB uses `mysql`. */
  dialect: "postgres" | "mysql";
  /**
   * Connection URL: `postgres://user:pass@host:5432/db` or `mysql://user:pass@host:3306/db`. The separate
   * fields below override the matching part of it. Secret: never logged.
   */
  url?: string;
  /** @default "localhost" */
  host?: string;
  /** @default 5432 (postgres), 3306 (mysql) */
  port?: number;
  user?: string;
  /** Secret: never logged. */
  password?: string;
  database?: string;
  /** PostgreSQL schema the tables live in; created when missing. Not used on MySQL. @default "tributary" */
  schema?: string;
  /** Prefix of every table name. @default "terra_" */
  tablePrefix?: string;
  /** Use TLS and verify the server's certificate. A `sslmode`/`ssl` in the URL wins over this. */
  ssl?: boolean;
  /** Connections kept open per destination. @default 5 */
  poolSize?: number;
}

export const DEFAULT_SCHEMA = "tributary";
export const DEFAULT_TABLE_PREFIX = "terra_";
export const DEFAULT_POOL_SIZE = 5;

// Names end up inside SQL as identifiers, so they are limited to a safe alphabet; the length limits keep
// the longest derived name (`<prefix>menstruation_user_start_idx`) under PostgreSQL's 63 characters.
export const IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
/** A prefix may be empty: the tables are then plain `users`, `activity`, … */
export const TABLE_PREFIX_PATTERN = "^([A-Za-z_][A-Za-z0-9_]*)?$";
export const MAX_TABLE_PREFIX_LENGTH = 32;
export const MAX_SCHEMA_LENGTH = 63;

/** JSON Schema (2020-12) the config loader validates the options against before `create`. */
export const optionsSchema: Record<string, unknown> = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "sql destination options",
  type: "object",
  additionalProperties: false,
  required: ["dialect"],
  properties: {
    dialect: { enum: ["postgres", "mysql"], description: "postgres, or mysql for MySQL and MariaDB" },
    url: { type: "string", pattern: "^(postgres|postgresql|mysql|mariadb)://", description: "connection URL (secret)" },
    host: { type: "string", minLength: 1 },
    port: { type: "integer", minimum: 1, maximum: 65535 },
    user: { type: "string", minLength: 1 },
    password: { type: "string" },
    database: { type: "string", minLength: 1 },
    // No `default` here: the config loader fills defaults in, and a schema is refused on MySQL.
    schema: { type: "string", pattern: IDENTIFIER_PATTERN, maxLength: MAX_SCHEMA_LENGTH, description: `PostgreSQL only; default "${DEFAULT_SCHEMA}"` },
    tablePrefix: {
      type: "string",
      pattern: TABLE_PREFIX_PATTERN,
      maxLength: MAX_TABLE_PREFIX_LENGTH,
      default: DEFAULT_TABLE_PREFIX,
    },
    ssl: { type: "boolean" },
    poolSize: { type: "integer", minimum: 1, maximum: 100, default: DEFAULT_POOL_SIZE },
  },
  // A schema is a PostgreSQL notion; on MySQL the tables live in `database`.
  allOf: [
    {
      if: { properties: { dialect: { const: "mysql" } } },
      then: {
        properties: {
          schema: {
            not: {},
            description: "MySQL and MariaDB have no schemas: remove schema; the tables go into the database of url (or database), named with tablePrefix",
          },
        },
      },
    },
  ],
};
