import { describe, expect, it, onTestFinished, vi } from "vitest";
import { spawnCli } from "../../../test/kit/spawn-cli.ts";
import { until } from "../../../test/kit/until.ts";

vi.setConfig({ testTimeout: 180_000 });

describe("tributary mock <provider>", () => {
  it.each([
    ["INSIDERS", "/users/usr_7Hq2Lm/activities", "client id: mock-client-id", "test user: id usr_7Hq2Lm, login ada@example.com"],
    ["connectors/xert", "/oauth/activity", "client id: xert_public", "test user: id jordan.rivers"],
  ])(
    "%s: serves the spec's routes from the folder's fixtures, prints where and as whom, stops cleanly on SIGTERM",
    async (provider, dataPath, client, user) => {
      const run = spawnCli(["mock", provider]);
      onTestFinished(() => {
        if (run.child.exitCode === null) run.child.kill("SIGKILL");
      });
      const baseUrl = await until("the mock's base URL", async () => /base URL: +(\S+)/.exec(run.output())?.[1], 120_000);
      expect(run.output()).toContain(client);
      expect(run.output()).toContain(user);
      // A data route without a token is refused the provider's way: the route is there, and guarded.
      const answer = await fetch(`${baseUrl}${dataPath}`);
      expect(answer.status).toBe(401);
      run.child.kill("SIGTERM");
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.output()).toContain("mock stopped");
    },
  );

  it("a connector without fixtures, or an unknown one: one line, exit 2", async () => {
    for (const [provider, message] of [
      ["SANDBOX", "SANDBOX has no fixtures folder"],
      ["NO_SUCH_PROVIDER", 'unknown connector "NO_SUCH_PROVIDER"'],
    ]) {
      const run = spawnCli(["mock", provider!]);
      const { code } = await run.exited;
      expect(code, run.output()).toBe(2);
      expect(run.output()).toContain(message);
    }
  });
});
