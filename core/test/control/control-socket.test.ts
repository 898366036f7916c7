import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { controlClient, startControlServer } from "../../src/control/control-socket.ts";
import type { ConnectRequest, OperatorActions } from "../../src/control/operator-actions.ts";
import { silentLogger } from "../../src/log/logger.ts";

describe("the control socket", () => {
  it("carries a connect's token or username and password to the process holding the store", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-control-"));
    const asked: ConnectRequest[] = [];
    const user = { user_id: "u-1", provider: "XERT", reference_id: null, scopes: null, active: true, created_at: null, last_webhook_update: null };
    const actions: OperatorActions = {
      connect: async (request) => {
        asked.push(request);
        return { user, backfillJobs: ["job-1"] };
      },
      deauthorize: async () => ({ status: "deauthorized" }) as never,
      pause: async () => ({ user, paused_at: null }),
      resume: async () => ({ user }),
    };
    const server = await startControlServer({ dataDir: dir, actions, log: silentLogger() });
    try {
      const client = controlClient(server!.path);
      await client.connect({ provider: "PELOTON", token: "pasted-token" });
      expect(await client.connect({ provider: "XERT", username: "jordan", password: "secret", referenceId: "r-1" })).toEqual({ user, backfillJobs: ["job-1"] });
      expect(asked).toEqual([
        { provider: "PELOTON", token: "pasted-token" },
        { provider: "XERT", referenceId: "r-1", username: "jordan", password: "secret" },
      ]);
    } finally {
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
