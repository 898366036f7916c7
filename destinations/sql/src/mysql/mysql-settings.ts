import { percentDecoded } from "@tributary/core/contracts";
import { configError } from "../destination-errors.ts";
import type { SqlOptions } from "../options.ts";
import { commonSettings, parseUrl, type CommonSettings } from "../settings.ts";

export interface MysqlConnection {
  host: string;
  port: number;
  user?: string;
  /** For the driver only, never for a message. */
  password?: string;
  database: string;
  ssl: boolean;
}

export interface MysqlSettings extends CommonSettings {
  connection: MysqlConnection;
}

const SSL_VALUES: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };

/** Merge the url and the separate options (the latter win) into the driver's connection fields. */
export function mysqlSettings(name: string, options: SqlOptions): MysqlSettings {
  if (options.dialect !== "mysql") throw configError(name, "not a mysql configuration", "Set dialect to mysql.");
  if (options.schema !== undefined) {
    throw configError(name, "schema applies to PostgreSQL only", "On MySQL/MariaDB the tables go in `database`; remove schema.");
  }
  const common = commonSettings(name, options);
  const url = parseUrl(name, options.url, "mysql://localhost:3306/", ["mysql:", "mariadb:"]);
  let urlSsl: boolean | undefined;
  for (const [key, value] of url.searchParams) {
    const ssl = SSL_VALUES[value];
    if (key !== "ssl" || ssl === undefined) {
      throw configError(name, `url parameter "${key}" is not supported`, "Use the destination's options (ssl, poolSize, …) instead.");
    }
    urlSsl = ssl;
  }
  const database = options.database ?? percentDecoded(url.pathname.slice(1));
  if (!database) {
    throw configError(name, "no database given", "Set database, or put it in the url: mysql://user:password@host:3306/database.");
  }
  const user = options.user ?? (percentDecoded(url.username) || undefined);
  const password = options.password ?? (percentDecoded(url.password) || undefined);
  const connection: MysqlConnection = {
    host: options.host ?? (url.hostname || "localhost"),
    port: options.port ?? (url.port ? Number(url.port) : 3306),
    database,
    ssl: urlSsl ?? options.ssl ?? false,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
  };
  const target = `mysql://${user ?? "(default user)"}@${connection.host}:${connection.port}/${database}`;
  return { ...common, connection, errors: { name, target, secrets: password ? [password] : [] } };
}
