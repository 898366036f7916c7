import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { validatePayload } from "@tributary/schemas";
import { loadMockFixtures } from "@tributary/core/mock-provider";
import { loadConnectorFile } from "@tributary/core/spec";
import { spawnCli } from "../../../test/kit/spawn-cli.ts";
import { connectToMock } from "../../../test/kit/connector/mock-connection.ts";
import { startMockProvider } from "../../../test/kit/mock-provider/start-mock.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const INSIDERS_DIR = join(ROOT, "connectors/insiders");
const MARCH = ["--from", "2026-03-01", "--to", "2026-04-01"];
// Every case starts the CLI as its own process (a few seconds each on a loaded machine).
vi.setConfig({ testTimeout: 240_000 });
const work = mkdtempSync(join(tmpdir(), "tributary-connector-cli-"));
// A TypeScript connector imports @tributary/core: inside the workspace, as `connector new` writes it there.
const inWorkspace = mkdtempSync(join(ROOT, ".connector-cli-test-"));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(inWorkspace, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `tributary <args>` as its own process, stdout and stderr apart. */
async function cli(...args: string[]): Promise<Run> {
  const run = spawnCli(args);
  let stdout = "";
  let stderr = "";
  run.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  run.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const { code } = await run.exited;
  return { code, stdout, stderr };
}

/** The JSON lines of a run's stdout, each checked against the webhook schemas. */
function payloads(
  stdout: string,
): Array<{ type: string; user: { provider: string }; data?: Array<{ metadata?: { summary_id?: string } }>; athlete?: unknown }> {
  const lines = stdout.split("\n").filter((line) => line !== "");
  return lines.map((line) => {
    const payload = JSON.parse(line);
    const checked = validatePayload(payload);
    expect(checked.ok, JSON.stringify(checked)).toBe(true);
    return payload;
  });
}

const summaryIds = (found: ReturnType<typeof payloads>, type = "activity") =>
  found
    .filter((p) => p.type === type)
    .flatMap((p) => p.data ?? [])
    .map((r) => r.metadata?.summary_id);

describe("tributary connector new, validate, test", () => {
  it.each(["yaml", "typescript"])("new --kind %s writes a folder that validates and whose examples map", async (kind) => {
    const dir = join(kind === "typescript" ? inWorkspace : work, `acme-${kind}`);
    const created = await cli("connector", "new", "acme-fit", "--kind", kind, "--dir", dir);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("connector.yaml");
    const validated = await cli("connector", "validate", dir);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toMatch(/^✓ .* is a valid connector/);
    const tested = await cli("connector", "test", dir);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    // A YAML mapping's own example, and (both kinds) the push example's activity, each with its natural key.
    if (kind === "yaml") expect(tested.stdout).toMatch(/✓ mappings\.activity\.examples\[0\]: activity \S+/);
    expect(tested.stdout).toMatch(/✓ webhook\.examples\[0\]\S* .*: activity \S+/);
    expect(tested.stdout).toMatch(/✓ \d+ examples?, 0 failed/);
  });

  it("new refuses a folder that holds files (exit 2, one line), and an unknown kind", async () => {
    const taken = await cli("connector", "new", "acme-fit", "--dir", INSIDERS_DIR);
    expect(taken.code).toBe(2);
    expect(taken.stderr.trim().split("\n")).toHaveLength(1);
    expect(taken.stderr).toContain("ERR_CONNECTOR_SCAFFOLD");
    const kind = await cli("connector", "new", "acme-fit", "--kind", "python", "--dir", join(work, "never"));
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("python");
  });

  it("validate reports a mapping that does not compile (a let named like a JSONata built-in) with its path, exit 1", async () => {
    const dir = join(work, "acme-power");
    expect((await cli("connector", "new", "acme-power", "--dir", dir)).code).toBe(0);
    const file = join(dir, "connector.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("  activity:\n    template:\n", '  activity:\n    let:\n      power: { expr: "$$.watts" }\n    template:\n'),
    );
    const validated = await cli("connector", "validate", dir);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toMatch(/^✗ .*connector\.yaml mappings\.activity\.let\.power: the name is taken \(\$power is a JSONata function\)/m);
    // connector test of the same folder fails (exit 1) for the same reason instead of mapping anything.
    const tested = await cli("connector", "test", dir);
    expect(tested.code).toBe(1);
    expect(tested.stderr).toContain("mappings.activity.let.power");
  });

  it("validate prints one line per spec problem with its line, exit 1", async () => {
    const dir = join(work, "acme-broken");
    expect((await cli("connector", "new", "acme-broken", "--dir", dir)).code).toBe(0);
    const file = join(dir, "connector.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace(/^displayName: .*$/m, "displayName: 42")
        .replace(/^dataTypes:/m, "dataTypes: [activity, weather]\nunknownKey: 1\nx-dataTypes:"),
    );
    const validated = await cli("connector", "validate", dir);
    expect(validated.code).toBe(1);
    const problems = validated.stderr.split("\n").filter((line) => line.startsWith("✗ "));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    for (const line of problems) expect(line).toMatch(/connector\.yaml:\d+:\d+ /);
  });

  it("test fails (exit 1) on an example whose expected output differs, naming the field", async () => {
    const dir = join(work, "acme-mismatch");
    expect((await cli("connector", "new", "acme-mismatch", "--dir", dir)).code).toBe(0);
    const file = join(dir, "connector.yaml");
    const text = readFileSync(file, "utf8");
    const output = text.indexOf("output:");
    expect(output).toBeGreaterThan(0);
    writeFileSync(file, text.slice(0, output) + text.slice(output).replace(/upload_type: 1/, "upload_type: 2"));
    const tested = await cli("connector", "test", dir);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toMatch(/✗ mappings\.activity\.examples\[0\]: not the expected output: .*upload_type/);
  });

  it("usage mistakes are one line and exit 2: a missing folder, an unknown connector", async () => {
    for (const args of [
      ["connector", "validate", join(work, "nowhere")],
      ["connector", "test", "NO_SUCH_PROVIDER"],
      ["connector", "test", "./nowhere"],
    ]) {
      const run = await cli(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(/^✗ ERR_/);
    }
  });
});

describe("tributary connector run --recorded", () => {
  it("INSIDERS' recordings: valid Activity payloads of Ada's March, no network", async () => {
    const run = await cli("connector", "run", "INSIDERS", "--recorded", join(INSIDERS_DIR, "recordings"), ...MARCH, "--user", "usr_7Hq2Lm");
    expect(run.code, run.stderr).toBe(0);
    const found = payloads(run.stdout);
    expect(found.every((p) => p.type === "activity" && p.user.provider === "INSIDERS")).toBe(true);
    const ids = summaryIds(found);
    expect(ids).toHaveLength(11);
    expect(ids).toContain("act_01JNQ3R7ZC");
    expect(ids).not.toContain("act_01JRBM7S2Q"); // discarded: the mapping skips it
    expect(run.stderr).toContain("✓ INSIDERS: 11 valid records");
  });

  it.each([
    ["connectors/peloton", "19b4722da494c08b0b0c130cd89ab344", "PELOTON"],
    ["connectors/xert", "jordan.rivers", "XERT"],
  ])("%s by folder: valid activity and athlete payloads", async (folder, user, provider) => {
    const run = await cli("connector", "run", folder, "--recorded", join(ROOT, folder, "recordings"), ...MARCH, "--user", user);
    expect(run.code, run.stderr).toBe(0);
    const found = payloads(run.stdout);
    expect(found.every((p) => p.user.provider === provider)).toBe(true);
    expect(summaryIds(found).length).toBeGreaterThan(0);
    expect(found.filter((p) => p.type === "athlete")).toHaveLength(1);
  });

  it("a record that maps to an invalid one: exit 1, named with the reason on stderr, the valid ones still printed", async () => {
    const dir = join(work, "bad-recordings");
    cpSync(join(INSIDERS_DIR, "recordings"), dir, { recursive: true });
    const file = join(dir, "0001-get-partner-v1-users-usr-7hq2lm-activities.json");
    const exchange = JSON.parse(readFileSync(file, "utf8"));
    exchange.response.body.data[0].start_time = "the second of March";
    writeFileSync(file, JSON.stringify(exchange));
    const run = await cli("connector", "run", "INSIDERS", "--recorded", dir, ...MARCH, "--user", "usr_7Hq2Lm");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/✗ activity record act_01JNQ3R7ZC \(stream activities\) is invalid: .*start_time/);
    expect(summaryIds(payloads(run.stdout))).toHaveLength(10);
  });

  it("a window that was not recorded fails (exit 1) naming the missing request", async () => {
    const run = await cli(
      "connector",
      "run",
      "INSIDERS",
      "--recorded",
      join(INSIDERS_DIR, "recordings"),
      "--from",
      "2026-05-01",
      "--to",
      "2026-05-02",
      "--user",
      "usr_7Hq2Lm",
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ERR_RECORDING_MISSING: no recording answers GET \/partner\/v1\/users\/usr_7Hq2Lm\/activities/);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toContain("assumed");
  });

  // Records, not the run's generated Terra user ids: what two runs over the same recordings must share.
  const recordsOf = (stdout: string) =>
    payloads(stdout)
      .flatMap((payload: any) => payload.data ?? [payload.athlete])
      .map((record) => JSON.stringify(record))
      .sort();

  it.each([
    ["connectors/strava", "--from 2026-03-01 --to 2026-04-01 (the windows of 1 recorded request)", ["--user", "48213377"]],
    ["connectors/insiders", "--from 2026-03-01 --to 2026-04-01 --user usr_7Hq2Lm (the windows of 2 recorded requests)", ["--user", "usr_7Hq2Lm"]],
    // A push's pull of another week lies apart: the week the pull's own recordings answer is taken.
    ["connectors/fitbit", "--from 2026-03-09 --to 2026-03-16 (the windows of 18 recorded requests; 1 recorded request of other windows left out)", []],
  ])(
    "%s without --from/--to/--user: the window (and the one user) the recordings answer, said on stderr, the same records as with the flags",
    async (folder, assumed, user) => {
      const recorded = join(ROOT, folder, "recordings");
      const bare = await cli("connector", "run", folder, "--recorded", recorded);
      expect(bare.code, bare.stderr).toBe(0);
      expect(bare.stderr).toContain(`• assumed from the recordings: ${assumed}`);
      const [, from, to] = /--from (\S+) --to (\S+)/.exec(assumed)!;
      const flagged = await cli("connector", "run", folder, "--recorded", recorded, "--from", from!, "--to", to!, ...user);
      expect(flagged.code, flagged.stderr).toBe(0);
      expect(flagged.stderr).not.toContain("assumed");
      expect(recordsOf(bare.stdout).length).toBeGreaterThan(0);
      expect(recordsOf(bare.stdout)).toEqual(recordsOf(flagged.stdout));
    },
  );

  it("an explicit flag wins over the recordings: --user of another member is used (and not recorded), only the window is assumed", async () => {
    const run = await cli("connector", "run", "INSIDERS", "--recorded", join(INSIDERS_DIR, "recordings"), "--user", "usr_other");
    expect(run.stderr).toContain("• assumed from the recordings: --from 2026-03-01 --to 2026-04-01 (");
    expect(run.stderr).not.toContain("--user usr_7Hq2Lm");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no recording answers GET /partner/v1/users/usr_other/activities");
  });

  it("recordings that name no user, of a connector that reads the user's id (XERT's athlete mapping): --user is required (exit 2), nothing pulled", async () => {
    const recorded = join(ROOT, "connectors/xert/recordings");
    for (const window of [[], MARCH]) {
      const run = await cli("connector", "run", "connectors/xert", "--recorded", recorded, ...window);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trim()).toBe(
        "✗ ERR_ARGUMENT_INVALID: --user is required (the recordings name no user): XERT reads the provider's user id in mappings.athlete — Give --user with the provider's id of the member the recordings are of — XERT's: The Xert login (username or e-mail).",
      );
      expect(run.stdout).toBe("");
    }
  });

  it("recordings of two members, of a connector whose requests name the member: --user is required to pick one (exit 2)", async () => {
    const dir = join(work, "two-members");
    cpSync(join(INSIDERS_DIR, "recordings"), dir, { recursive: true });
    const exchange = JSON.parse(readFileSync(join(dir, "0001-get-partner-v1-users-usr-7hq2lm-activities.json"), "utf8"));
    exchange.request.path = "/partner/v1/users/usr_other/activities";
    writeFileSync(join(dir, "0013-get-partner-v1-users-usr-other-activities.json"), JSON.stringify(exchange));
    const run = await cli("connector", "run", "INSIDERS", "--recorded", dir, ...MARCH);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      "--user is required (the recordings name 2 users): INSIDERS reads the provider's user id in streams.activity[0].request.path — Give --user with the provider's id",
    );
    expect(run.stdout).toBe("");
  });

  it("recordings that answer no window of the connector's streams: --from and --to are required (exit 2)", async () => {
    const dir = join(work, "windowless-recordings");
    cpSync(join(INSIDERS_DIR, "recordings", "0002-get-partner-v1-users-usr-7hq2lm-activities-act-01jnq3r7zc-sample.json"), join(dir, "0001-sample.json"), {
      recursive: true,
    });
    const run = await cli("connector", "run", "INSIDERS", "--recorded", dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--from and --to are required: no recording in ${dir} answers a window of INSIDERS's streams`);
    expect(run.stdout).toBe("");
  });

  it.each([
    [["INSIDERS", "--recorded", join(ROOT, "nowhere"), ...MARCH], "no recordings folder"],
    [["NO_SUCH_PROVIDER", "--recorded", join(INSIDERS_DIR, "recordings"), ...MARCH], 'unknown connector "NO_SUCH_PROVIDER"'],
    [["INSIDERS", "--recorded", join(INSIDERS_DIR, "recordings"), "--from", "March", "--to", "2026-04-01"], '--from "March" is not a date'],
    [["INSIDERS", "--recorded", join(INSIDERS_DIR, "recordings"), "--from", "2026-04-01", "--to", "2026-03-01"], "is not after --from"],
    [["INSIDERS", "--recorded", join(INSIDERS_DIR, "recordings"), ...MARCH, "--now", "soon"], '--now "soon" is not a date'],
    [["INSIDERS", "--recorded", join(INSIDERS_DIR, "recordings"), ...MARCH, "--pushes"], "--pushes replays the windows the example pushes name"],
    [["INSIDERS", ...MARCH], "required option '--recorded <dir>'"],
  ])("usage mistake %j: one clear line, exit 2", async (args, message) => {
    const run = await cli("connector", "run", ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });
});

describe("tributary connector dryrun", () => {
  it("pulls from a live provider (a mock, via --base-url) with the user's access token", async () => {
    const definition = loadConnectorFile(INSIDERS_DIR);
    const fixtures = await loadMockFixtures(join(INSIDERS_DIR, "fixtures"), definition.spec);
    const mock = await startMockProvider(definition.spec, fixtures);
    const ada = fixtures.users.find((user) => user.id === "usr_7Hq2Lm")!;
    const connection = await connectToMock(mock, ada);
    const run = await cli(
      "connector",
      "dryrun",
      "INSIDERS",
      "--token",
      connection.credentials.accessToken!,
      "--base-url",
      mock.urls().baseUrl,
      ...MARCH,
      "--user",
      "usr_7Hq2Lm",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(summaryIds(payloads(run.stdout))).toHaveLength(11);
    expect(mock.requests.filter((entry) => entry.path === "/partner/v1/users/usr_7Hq2Lm/activities" && entry.status === 200).length).toBeGreaterThan(0);

    const refused = await cli("connector", "dryrun", "INSIDERS", "--token", "not-a-token", "--base-url", mock.urls().baseUrl, ...MARCH, "--user", "usr_7Hq2Lm");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^✗ ERR_/m);
  });

  it("exchanges --username/--password for a token with the provider's password grant (XERT), the login its provider user id as when connecting", async () => {
    const dir = join(ROOT, "connectors/xert");
    const definition = loadConnectorFile(dir);
    const fixtures = await loadMockFixtures(join(dir, "fixtures"), definition.spec);
    const mock = await startMockProvider(definition.spec, fixtures);
    const jordan = fixtures.users.find((user) => user.id === "jordan.rivers")!;
    const run = await cli(
      "connector",
      "dryrun",
      "connectors/xert",
      "--username",
      jordan.username!,
      "--password",
      jordan.password!,
      "--base-url",
      mock.urls().baseUrl,
      "--token-url",
      mock.urls().tokenUrl!,
      ...MARCH,
    );
    expect(run.code, run.stderr).toBe(0);
    const found = payloads(run.stdout);
    expect(summaryIds(found).length).toBeGreaterThan(0);
    // auth.providerUserId: { from: username } — the athlete is the login's, without --user.
    expect(found.filter((p) => p.type === "athlete").map((p) => p.athlete)).toEqual([{ provider_user_id: "jordan.rivers" }]);
    expect(run.stderr).toContain("• provider user id jordan.rivers (auth.providerUserId from username)");

    const wrong = await cli(
      "connector",
      "dryrun",
      "connectors/xert",
      "--username",
      jordan.username!,
      "--password",
      "wrong",
      "--base-url",
      mock.urls().baseUrl,
      "--token-url",
      mock.urls().tokenUrl!,
      ...MARCH,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a pasted token: the provider user id from the account request the connection would make (Peloton's /api/me); none from a token response it has not", async () => {
    const dir = join(ROOT, "connectors/peloton");
    const definition = loadConnectorFile(dir);
    const fixtures = await loadMockFixtures(join(dir, "fixtures"), definition.spec);
    const mock = await startMockProvider(definition.spec, fixtures);
    const riley = fixtures.users[0]!;
    const run = await cli("connector", "dryrun", "connectors/peloton", "--token", riley.token!, "--base-url", mock.urls().baseUrl, ...MARCH);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryIds(payloads(run.stdout)).length).toBeGreaterThan(0);
    // Asked before any stream reads (the athlete stream asks again).
    expect(mock.requests[0]?.path).toBe("/api/me");
    expect(mock.requests.some((entry) => entry.path === `/api/user/${riley.id}/workouts` && entry.status === 200)).toBe(true);
    expect(run.stderr).toContain(`• provider user id ${riley.id} (auth.providerUserId from request /api/me)`);

    // INSIDERS' id is in its OAuth token response (from: token): a pasted access token cannot tell it, and its streams read it.
    const unknown = await cli("connector", "dryrun", "INSIDERS", "--token", "t", ...MARCH);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--user is required");
    expect(unknown.stderr).toContain("token response");
  });

  it("reads the granted scopes as connecting does (auth.grantedScopes) and writes them as the payloads' user.scopes", async () => {
    const dir = join(work, `insiders-scopes-${Date.now()}`);
    cpSync(INSIDERS_DIR, dir, { recursive: true, filter: (source) => !source.includes("node_modules") });
    const yaml = readFileSync(join(dir, "connector.yaml"), "utf8");
    expect(yaml).toContain("  refresh: rotating\n");
    writeFileSync(
      join(dir, "connector.yaml"),
      yaml.replace("  refresh: rotating\n", "  refresh: rotating\n  grantedScopes: { request: { path: /me/scopes }, path: /scopes }\n"),
    );
    const definition = loadConnectorFile(dir);
    const fixtures = await loadMockFixtures(join(dir, "fixtures"), definition.spec);
    const mock = await startMockProvider(definition.spec, fixtures);
    const ada = fixtures.users.find((user) => user.id === "usr_7Hq2Lm")!;
    const connection = await connectToMock(mock, ada);
    const args = ["--token", connection.credentials.accessToken!, "--base-url", mock.urls().baseUrl, ...MARCH, "--user", "usr_7Hq2Lm"];
    const run = await cli("connector", "dryrun", dir, ...args);
    expect(run.code, run.stderr).toBe(0);
    // Ada's fixture names no scopes: the mock answers those her token was granted.
    expect(run.stderr).toContain("• granted scopes activities:read,offline_access (auth.grantedScopes /me/scopes)");
    const found = payloads(run.stdout);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((payload) => (payload.user as { scopes?: string | null }).scopes))).toEqual(new Set(["activities:read,offline_access"]));
  });

  it("usage mistakes: no credentials, both kinds, a lone --username (exit 2)", async () => {
    for (const [args, message] of [
      [[...MARCH], "needs the user's credentials"],
      [["--token", "t", "--username", "u", "--password", "p", ...MARCH], "not both"],
      [["--username", "u", ...MARCH], "go together"],
    ] as const) {
      const run = await cli("connector", "dryrun", "INSIDERS", ...args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});
