import { randomUUID } from "node:crypto";
import { startMongoWireServer } from "@tributary/test-kit";

/** A MongoDB to run the destination against, with URLs for the users the tests need. */
export interface MongoTarget {
  /** Which server the suite talks to, for the test names and the report. */
  kind: "MONGODB_URL" | "in-process wire server";
  /** A user allowed to read and write. */
  url: string;
  /** The same server with credentials it refuses. */
  badCredentialsUrl: string;
  /** A user that may read but not write; only known for the in-process server. */
  readOnlyUrl?: string;
  close(): Promise<void>;
}

/** Put credentials into a mongodb:// or mongodb+srv:// URL, replacing any it had. */
export function withCredentials(url: string, user: string, password: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?/, `$1${encodeURIComponent(user)}:${encodeURIComponent(password)}@`);
}

/**
 * MONGODB_URL when it is set, so the suite can run against a real MongoDB. Otherwise the test kit's
 * in-process wire-protocol server: no MongoDB server can be installed on the development machines or
 * in CI (Debian does not package it and binary downloads are blocked), and the destination must still be
 * exercised through the real `mongodb` driver over a real socket — never a mocked driver.
 */
export async function startMongoTarget(): Promise<MongoTarget> {
  const external = process.env.MONGODB_URL;
  if (external) {
    return {
      kind: "MONGODB_URL",
      url: external,
      // No such user exists: a real server refuses it with code 18 whether or not it enforces access control.
      badCredentialsUrl: withCredentials(external, `tributary_nobody_${randomUUID().slice(0, 8)}`, randomUUID()),
      close: async () => undefined,
    };
  }
  const writerPassword = randomUUID();
  const readerPassword = randomUUID();
  const server = await startMongoWireServer({ users: { tributary: writerPassword, reader: { password: readerPassword, readOnly: true } } });
  return {
    kind: "in-process wire server",
    url: withCredentials(server.url, "tributary", writerPassword),
    badCredentialsUrl: withCredentials(server.url, "tributary", `wrong-${randomUUID()}`),
    readOnlyUrl: withCredentials(server.url, "reader", readerPassword),
    close: () => server.close(),
  };
}

/** A database name no earlier run used. */
export const uniqueDatabase = () => `test_${randomUUID()}`;
