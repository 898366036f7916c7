import { describe, expect, it } from "vitest";
import { loadRecordings } from "../../src/recordings/index.ts";
import { tempFolder, writeFiles } from "./helpers.ts";

const ok = (path: string) => ({ request: { method: "GET", path }, response: { status: 200, body: { path } } });

describe("loadRecordings", () => {
  it("reads every JSON file below the folder once, in numeric name order, ignoring other files", async () => {
    const dir = await tempFolder();
    await writeFiles(dir, {
      "10-b.json": ok("/ten"),
      "2-a.json": ok("/two"),
      "sleep/0001-x.json": ok("/nested"),
      "README.md": "# not a recording",
    });
    const set = await loadRecordings(dir);
    expect(set.files.map((f) => f.file)).toEqual(["2-a.json", "10-b.json", "sleep/0001-x.json"]);
    expect(set.files[2]?.exchange.request.path).toBe("/nested");
  });

  it("names the file and the mistake: broken JSON, missing fields, both body kinds, a relative path, unknown keys", async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"request": {', /broken\.json is not JSON/],
      [{ request: { method: "GET", path: "/x" }, response: {} }, /status/],
      [{ request: { method: "GET", path: "/x" }, response: { status: 200, body: "a", bodyBase64: "YQ==" } }, /broken\.json is not a recorded exchange/],
      [{ request: { method: "GET", path: "x" }, response: { status: 200 } }, /path/],
      [{ request: { method: "GET", path: "/x", headers: {} }, response: { status: 200 } }, /headers/],
      [{ request: { method: "FETCH", path: "/x" }, response: { status: 200 } }, /method/],
    ];
    for (const [content, message] of cases) {
      const dir = await tempFolder();
      await writeFiles(dir, { "fine.json": ok("/fine"), "broken.json": content });
      await expect(loadRecordings(dir)).rejects.toMatchObject({ code: "ERR_RECORDING_INVALID", message: expect.stringMatching(message) });
    }
  });

  it("says so when the folder cannot be read", async () => {
    await expect(loadRecordings("/nonexistent/recordings")).rejects.toMatchObject({ code: "ERR_RECORDING_INVALID", message: expect.stringContaining("/nonexistent/recordings") });
  });
});
