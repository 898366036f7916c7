import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runValidate } from "../../core/src/cli/commands/validate.ts";

const fixturePath = (kind: string, name: string) => new URL(`../fixtures/${kind}/${name}.json`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "tributary-validate-"));
function writeTemp(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("runValidate (tributary validate)", () => {
  it("exit 0 for a valid webhook event file, inferring the envelope from `type`", () => {
    expect(runValidate({ file: fixturePath("events", "sleep") })).toEqual({ exitCode: 0, lines: ["✓ valid WebhookEvent (sleep)"] });
  });

  it("exit 0 for a model validated with --schema", () => {
    expect(runValidate({ file: fixturePath("models", "nutrition"), schema: "nutrition" })).toEqual({ exitCode: 0, lines: ["✓ valid Nutrition"] });
    expect(runValidate({ file: fixturePath("models", "terra-user"), schema: "TerraUser" }).exitCode).toBe(0);
  });

  it('reads stdin when the file is omitted or "-"', () => {
    const stdin = readFileSync(fixturePath("events", "deauth"), "utf8");
    expect(runValidate({ stdin }).exitCode).toBe(0);
    expect(runValidate({ file: "-", stdin, schema: "deauth" })).toEqual({ exitCode: 0, lines: ["✓ valid DeauthEvent"] });
  });

  it("exit 1 with one issue per line for an invalid payload", () => {
    const event = JSON.parse(readFileSync(fixturePath("events", "activity"), "utf8"));
    event.data[0].metadata.upload_type = 12;
    delete event.user.user_id;
    const outcome = runValidate({ file: writeTemp("bad-activity.json", JSON.stringify(event)) });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines[0]).toBe("✗ invalid WebhookEvent (activity) (2 issues)");
    expect(outcome.lines.slice(1).sort()).toEqual([
      "  data[0].metadata.upload_type: 12 is not a known UploadType (expected one of 0 Unknown, 1 Automatic, 2 Manual, 3 Update, 4 Delete, 5 Pending, 6 Third party upload)",
      '  user: missing required field "user_id"',
    ]);
  });

  it("exit 2 for an unreadable file", () => {
    const outcome = runValidate({ file: join(dir, "missing.json") });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.lines[0]).toMatch(/^✗ cannot read .*missing\.json: no such file$/);
  });

  it("exit 2 for bad JSON", () => {
    const outcome = runValidate({ file: writeTemp("broken.json", '{"type": "auth",') });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.lines[0]).toMatch(/broken\.json is not valid JSON/);
  });

  it("exit 2 for an unknown schema name", () => {
    const outcome = runValidate({ file: fixturePath("models", "sleep"), schema: "slep" });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.lines[0]).toMatch(/^✗ unknown schema "slep"/);
  });

  it("exit 2 when no schema is named and the payload is not an event", () => {
    const outcome = runValidate({ file: fixturePath("models", "body") });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.lines[0]).toMatch(/name a schema/);
  });

  it("exit 2 when there is no input at all", () => {
    expect(runValidate({}).exitCode).toBe(2);
    expect(runValidate({ file: "-", stdin: "  " }).exitCode).toBe(2);
  });
});
