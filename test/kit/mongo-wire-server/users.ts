import { scramCredentials, type ScramCredentials } from "./scram-sha256.ts";

export interface MongoWireUser {
  password: string;
  /** Allowed to read but refused (code 13, Unauthorized) on every write or DDL command. */
  readOnly?: boolean;
}

export interface UserRecord {
  credentials: ScramCredentials;
  readOnly: boolean;
}

/** The server's users; when there is at least one, every data command needs an authenticated connection. */
export class UserDirectory {
  private readonly users = new Map<string, UserRecord>();

  constructor(users: Record<string, string | MongoWireUser> = {}) {
    for (const [name, spec] of Object.entries(users)) {
      const { password, readOnly = false } = typeof spec === "string" ? { password: spec } : spec;
      this.users.set(name, { credentials: scramCredentials(password), readOnly });
    }
  }

  get authRequired(): boolean {
    return this.users.size > 0;
  }

  get(name: string): UserRecord | undefined {
    return this.users.get(name);
  }
}
