import { matchesAnyKey } from "./api-key.ts";
import type { Developer } from "./developer.ts";

export interface DeveloperDirectory {
  /** The account these headers name and unlock, or undefined (unknown dev-id or wrong key). */
  authenticate(devId: string, apiKey: string): Developer | undefined;
  get(devId: string): Developer | undefined;
  /** The `api:` account, if the config has one. */
  readonly default: Developer | undefined;
  all(): readonly Developer[];
}

// Compared against when the dev-id is unknown, so an unknown id takes as long as a wrong key.
const NO_KEYS = [Buffer.alloc(32)];

export function createDeveloperDirectory(developers: readonly Developer[]): DeveloperDirectory {
  const byId = new Map(developers.map((developer) => [developer.devId, developer]));
  return {
    authenticate(devId, apiKey) {
      const developer = byId.get(devId);
      const ok = matchesAnyKey(apiKey, developer?.keyDigests ?? NO_KEYS);
      return ok && developer ? developer : undefined;
    },
    get: (devId) => byId.get(devId),
    default: developers.find((developer) => developer.isDefault),
    all: () => developers,
  };
}
