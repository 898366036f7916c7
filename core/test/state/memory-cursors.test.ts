import { randomUUID } from "node:crypto";
import { describe } from "vitest";
import { createMemoryCursorRepository } from "../../src/state/index.ts";
import { cursorUpdateTests } from "./suite/cursor-updates.ts";

describe("in-memory cursors (a CLI pull, a connector's test)", () => {
  const cursors = createMemoryCursorRepository();
  cursorUpdateTests({ cursors: () => cursors, newUser: async () => randomUUID() });
});
