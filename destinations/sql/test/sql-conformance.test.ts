import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import type { Destination } from "@tributary/core/contracts";
import { testDestination } from "@tributary/test-kit";
import { createSqlDestination, type SqlOptions } from "../src/index.ts";
import { createInspector, readStoredEvents, readStoredRecords, recordingContext, uniqueOptions, type Dialect } from "./sql-services.ts";

const inspector = createInspector();
afterAll(() => inspector.close());

function harness(dialect: Dialect) {
  const optionsOf = new WeakMap<Destination, SqlOptions>();
  const optionsFor = (destination: Destination): SqlOptions => {
    const options = optionsOf.get(destination);
    if (!options) throw new Error("destination not made by this harness");
    return options;
  };
  return {
    create() {
      const options = uniqueOptions(dialect);
      const destination = createSqlDestination(options, recordingContext());
      optionsOf.set(destination, options);
      return destination;
    },
    createAt: (origin: { host: string; port: number }) =>
      createSqlDestination(uniqueOptions(dialect, { host: origin.host, port: origin.port }), recordingContext()),
    createWithBadCredentials() {
      // PostgreSQL here trusts every local connection, so a wrong password would be accepted: a role that
      // does not exist is what the server refuses for sure. MariaDB does check passwords, but a user that
      // does not exist is refused the same way on every setup, whatever root's password is.
      const user = `no_such_user_${randomUUID().slice(0, 8)}`;
      return createSqlDestination(uniqueOptions(dialect, { user, password: "not-the-password" }), recordingContext());
    },
    readRecords: (destination: Destination, userId: string) => readStoredRecords(inspector, optionsFor(destination), userId),
    readEvents: (destination: Destination, userId: string) => readStoredEvents(inspector, optionsFor(destination), userId),
    cleanup: (destination: Destination) => inspector.drop(optionsFor(destination)),
  };
}

testDestination("sql (PostgreSQL)", harness("postgres"));
testDestination("sql (MariaDB)", harness("mysql"));
