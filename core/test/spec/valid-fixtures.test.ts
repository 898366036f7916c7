import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  AuthSpec,
  DateBoundSpec,
  HandshakeSpec,
  OAuth2AuthSpec,
  PagingSpec,
  RequestSpec,
  StopRule,
  VerifySpec,
  WebhookEventAction,
  WebhookSpec,
  type ConnectorSpec,
} from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { readConnectorFile } from "../../src/spec/load-connector.ts";
import { validateConnector } from "../../src/spec/validate-connector.ts";

const validDir = fileURLToPath(new URL("./fixtures/valid/", import.meta.url));
const yamlFixtures = readdirSync(validDir).filter((name) => !name.endsWith(".ts"));

/** Every spec among the fixtures: the YAML ones and the TypeScript one with hooks. */
async function allSpecs(): Promise<ConnectorSpec[]> {
  const specs = yamlFixtures.map((name) => readConnectorFile(`${validDir}${name}`).definition?.spec);
  const hooked = (await import("./fixtures/valid/hooks-connector.ts")).default.spec;
  return [...specs.filter((spec) => spec !== undefined), hooked];
}

describe("the example specs", () => {
  it.each(yamlFixtures)("%s is valid", (name) => {
    const result = readConnectorFile(`${validDir}${name}`);
    expect(result.problems).toEqual([]);
    expect(result.definition?.kind).toBe("connector");
  });

  it("the TypeScript connector with every kind of hook is valid", async () => {
    const result = await validateConnector(`${validDir}hooks-connector.ts`);
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.definition?.hooks ?? {}).sort()).toEqual(["map", "read", "transform", "verify"]);
  });

  // The lists come from the meta-schema itself: a variant added there fails here until an example uses it.
  it("use every auth type, paging type, stop rule, verification scheme, handshake, action, batch, time format and body encoding", async () => {
    const specs = await allSpecs();
    const used = usage(specs);
    expect(sorted(used.auth)).toEqual(sorted(variants(AuthSpec, "type")));
    expect(sorted(used.paging)).toEqual(sorted(variants(PagingSpec, "type")));
    expect(sorted(used.stop)).toEqual(sorted(variants(StopRule, "type")));
    expect(sorted(used.verify)).toEqual(sorted(variants(VerifySpec, "scheme")));
    expect(sorted(used.handshake)).toEqual(sorted(variants(HandshakeSpec, "type")));
    expect(sorted(used.action)).toEqual(sorted(variants(WebhookEventAction, "action")));
    expect(sorted(used.batch)).toEqual(sorted(variants(WebhookSpec.properties.batch, "type")));
    expect(sorted(used.timeFormat)).toEqual(sorted(literals(DateBoundSpec.properties.format)));
    expect(sorted(used.webhookBody)).toEqual(sorted(literals(WebhookSpec.properties.body)));
    expect(sorted(used.requestBody)).toEqual(sorted(literals(RequestSpec.properties.bodyEncoding)));
    expect(sorted(used.tokenBody)).toEqual(sorted(literals(OAuth2AuthSpec.properties.tokenBody)));
    expect(sorted(used.tokenIn)).toEqual(["body", "header", "query"]);
    expect(sorted(used.respond)).toEqual(["json", "text"]);
  });
});

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

function variants(schema: unknown, tag: string): string[] {
  const oneOf = (schema as { oneOf: { properties: Record<string, { const: string }> }[] }).oneOf;
  return oneOf.map((variant) => variant.properties[tag]?.const ?? "?");
}

function literals(schema: unknown): string[] {
  return (schema as { anyOf: { const: string }[] }).anyOf.map((branch) => branch.const);
}

function usage(specs: readonly ConnectorSpec[]) {
  const used = {
    auth: [] as string[],
    paging: [] as string[],
    stop: [] as string[],
    verify: [] as string[],
    handshake: [] as string[],
    action: [] as string[],
    batch: [] as string[],
    timeFormat: [] as string[],
    webhookBody: [] as string[],
    requestBody: [] as string[],
    tokenBody: [] as string[],
    tokenIn: [] as string[],
    respond: [] as string[],
  };
  for (const spec of specs) {
    used.auth.push(spec.auth.type);
    if ("tokenBody" in spec.auth && spec.auth.tokenBody) used.tokenBody.push(spec.auth.tokenBody);
    for (const streams of Object.values(spec.streams ?? {})) {
      for (const stream of streams) {
        if (stream.paging) used.paging.push(stream.paging.type);
        for (const rule of stream.paging?.stop ?? []) used.stop.push(rule.type);
        if (stream.dateRange) used.timeFormat.push(stream.dateRange.start.format, ...(stream.dateRange.end ? [stream.dateRange.end.format] : []));
      }
    }
    JSON.stringify(spec, (key, value: unknown) => {
      if (key === "bodyEncoding" && typeof value === "string") used.requestBody.push(value);
      return value;
    });
    const webhook = spec.webhook;
    if (!webhook) continue;
    used.verify.push(webhook.verify.scheme);
    if (webhook.verify.scheme === "token") used.tokenIn.push(webhook.verify.in);
    used.webhookBody.push(webhook.body ?? "json");
    for (const handshake of webhook.handshakes ?? []) {
      used.handshake.push(handshake.type);
      if (handshake.type === "challenge") used.respond.push(handshake.respond);
    }
    if (webhook.batch) used.batch.push(webhook.batch.type);
    for (const value of Object.values(webhook.events)) for (const action of [value].flat()) used.action.push(action.action);
  }
  return used;
}
