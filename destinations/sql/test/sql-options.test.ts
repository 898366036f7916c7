import { describe, expect, it } from "vitest";
import { ErrorCodes, UserError } from "@tributary/core/contracts";
import plugin, { createSqlDestination, type SqlOptions } from "../src/index.ts";
import { mysqlSettings } from "../src/mysql/mysql-settings.ts";
import { postgresSettings } from "../src/postgres/postgres-settings.ts";
import { recordingContext } from "./sql-services.ts";

const refused = (options: SqlOptions) => {
  try {
    createSqlDestination(options, recordingContext());
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(ErrorCodes.DESTINATION_CONFIG);
    return error as UserError;
  }
  throw new Error("expected the options to be refused");
};

describe("sql destination options", () => {
  it("is the `sql` plugin with its secrets declared", () => {
    expect(plugin).toMatchObject({ kind: "destination", name: "sql", secretOptions: ["password", "url"] });
    expect(plugin.optionsSchema).toMatchObject({ type: "object", required: ["dialect"] });
  });

  it("refuses unsafe names, a scheme of the other dialect and a postgres schema on mysql, at create", () => {
    refused({ dialect: "postgres", tablePrefix: 'x"; DROP TABLE users; --' });
    refused({ dialect: "postgres", schema: "1bad" });
    refused({ dialect: "mysql", url: "postgres://u@h/db" });
    refused({ dialect: "mysql", url: "mysql://u@h/db", schema: "s" });
    refused({ dialect: "mysql", url: "mysql://u@h/" });
    refused({ dialect: "sqlite" as "mysql" });
  });

  it("never repeats the url in a message, since it may hold the password", () => {
    const error = refused({ dialect: "postgres", url: "mysql://user:hunter2-secret@h/db" });
    expect(error.message).not.toContain("hunter2-secret");
    expect(refused({ dialect: "postgres", url: "::not a url hunter2-secret" }).message).not.toContain("hunter2-secret");
  });

  it("lets the separate fields override the url and keeps the password out of the target", () => {
    const pgSettings = postgresSettings("w", {
      dialect: "postgres",
      url: "postgres://a:old@h1:5432/one",
      host: "h2",
      user: "b c",
      password: "p@ss/word",
      database: "two",
      ssl: true,
    });
    const url = new URL(pgSettings.connectionString);
    expect([url.hostname, decodeURIComponent(url.username), decodeURIComponent(url.password), url.pathname]).toEqual(["h2", "b c", "p@ss/word", "/two"]);
    expect(url.searchParams.get("ssl")).toBe("true");
    expect(pgSettings.errors.target).not.toContain("p@ss");
    expect(pgSettings.errors.secrets).toEqual(["p@ss/word"]);

    const my = mysqlSettings("w", { dialect: "mysql", url: "mysql://root:pw%2F1@db:3307/app?ssl=true", port: 3308 });
    expect(my.connection).toEqual({ host: "db", port: 3308, user: "root", password: "pw/1", database: "app", ssl: true });
    expect(my.errors.target).not.toContain("pw/1");
  });
});
