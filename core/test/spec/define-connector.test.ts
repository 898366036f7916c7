import { fileURLToPath } from "node:url";
import type { ConnectorSpec } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { defineConnector } from "../../src/spec/define-connector.ts";
import { ConnectorSpecError } from "../../src/spec/spec-problem.ts";

const spec: ConnectorSpec = {
  name: "ACME_PUSH",
  displayName: "Acme",
  dataTypes: ["activity"],
  auth: { type: "partner_push" },
  webhook: {
    verify: { scheme: "terra", header: "acme-signature" },
    userId: "/user_id",
    events: { "*": { action: "records", dataType: "activity", records: "" } },
  },
};
const map = { activity: () => ({ metadata: { summary_id: "x" } }) };
const fixtures = fileURLToPath(new URL("./fixtures/valid/strava", import.meta.url));

describe("defineConnector", () => {
  it("returns the definition: kind, spec, hooks (none by default), dir", () => {
    const definition = defineConnector({ spec, hooks: { map } });
    expect(definition).toEqual({ kind: "connector", spec, hooks: { map } });
    expect(defineConnector({ spec: { ...spec, mappings: { activity: { template: {} } } } }).hooks).toEqual({});
  });

  it("takes the folder as a path, a folder URL, or the URL of a module in it", () => {
    const withIcon = { ...spec, icon: "icon.svg" };
    expect(defineConnector({ spec: withIcon, hooks: { map }, dir: fixtures }).dir).toBe(fixtures);
    expect(defineConnector({ spec: withIcon, hooks: { map }, dir: new URL("./fixtures/valid/strava/", import.meta.url) }).dir).toBe(fixtures);
    expect(defineConnector({ spec: withIcon, hooks: { map }, dir: new URL("./fixtures/valid/strava/connector.yaml", import.meta.url) }).dir).toBe(fixtures);
    expect(defineConnector({ spec: withIcon, hooks: { map }, dir: `${fixtures}/` }).dir).toBe(fixtures);
  });

  it("throws ERR_SPEC_INVALID with every problem, hooks included, named after the connector", () => {
    let error: unknown;
    try {
      defineConnector({ spec: { ...spec, icon: "icon.svg" }, hooks: { map: { ...map, sleep: () => null } } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConnectorSpecError);
    expect((error as ConnectorSpecError).toOperatorString()).toBe(
      [
        "ERR_SPEC_INVALID: Connector spec ACME_PUSH has 2 problems:",
        '  ACME_PUSH hooks.map.sleep: never called: no stream names "sleep" in `mapping`, and no data type or webhook event of that name brings records',
        '  ACME_PUSH icon: "icon.svg" is a file, and the connector\'s folder is not known — pass dir to defineConnector' +
          " — Fix the connector spec where each line says; `tributary connector validate <path>` checks it again.",
      ].join("\n"),
    );
  });

  it("refuses a spec that is not one, whatever TypeScript was told", () => {
    expect(() => defineConnector({ spec: { name: 5 } as unknown as ConnectorSpec })).toThrow(/Connector spec \(unnamed connector\) has 4 problems/);
  });
});
