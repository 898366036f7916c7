import { randomBytes } from "node:crypto";
import type { Database, StateStore } from "../../../src/state/index.ts";

export interface SuiteBackend {
  /** Opens a handle on the suite's database; may be called several times (all see the same data). */
  open(): Promise<Database>;
  /** Drops whatever `open` created; runs after every handle is closed. */
  cleanup?(): Promise<void>;
}

/** Filled in by the suite's beforeAll; each part copies what it needs in its own beforeAll. */
export interface SuiteContext {
  backend: SuiteBackend;
  db: Database;
  store: StateStore;
  /** The encryption key `store` uses, base64. */
  key: string;
}

export const newKey = (): string => randomBytes(32).toString("base64");

/** Tests share one database per backend, so every test makes its own values. */
export const unique = (prefix: string): string => `${prefix}-${randomBytes(6).toString("hex")}`;
