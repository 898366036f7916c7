import { describe, expect, it } from "vitest";
import { buildDestinations } from "../../src/app/build-destinations.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { defineDestination, type DestinationContext } from "../../src/contracts/destination.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { fakeDestination, MINIMAL_API, registryWith } from "./helpers.ts";

/** A plugin that declares the FIT formats and remembers the context it was created with. */
const seen: DestinationContext[] = [];
const fitSink = defineDestination<Record<string, never>>({
  name: "fit-sink",
  formats: ["terra", "fit", "both"],
  optionsSchema: { type: "object" },
  create(_options, ctx) {
    seen.push(ctx);
    return {
      name: ctx.name,
      type: "fit-sink",
      write: async () => undefined,
      delete: async () => undefined,
      check: async () => undefined,
      close: async () => undefined,
    };
  },
});
const registry = registryWith(fakeDestination("json-sink"), fitSink);

const config = (destinations: string) => `${MINIMAL_API}destinations:\n${destinations}`;

function problems(text: string): string[] {
  try {
    parseConfig(text, { file: "tributary.yaml", env: {}, registry });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
  }
  throw new Error("expected the config to be rejected");
}

describe("destinations[].format", () => {
  it("defaults to terra, and a plugin that declares fit and both takes each", () => {
    const parsed = parseConfig(
      config(`  - { name: plain, type: json-sink, options: { url: x } }
  - { name: a, type: fit-sink, format: fit }
  - { name: b, type: fit-sink, format: both }
  - { name: c, type: fit-sink }
`),
      { env: {}, registry },
    );
    expect(parsed.destinations.map((d) => d.format)).toEqual(["terra", "fit", "both", "terra"]);
    seen.length = 0;
    buildDestinations(parsed, registry, silentLogger());
    expect(seen.map((ctx) => [ctx.name, ctx.format])).toEqual([
      ["a", "fit"],
      ["b", "both"],
      ["c", "terra"],
    ]);
  });

  it.each(["fit", "both"])("a destination whose plugin takes terra only refuses format: %s, naming the field and what to write", (format) => {
    expect(problems(config(`  - name: warehouse\n    type: json-sink\n    format: ${format}\n    options: { url: x }\n`))).toEqual([
      `6:13 destinations[0].format: the json-sink destination delivers format: terra only, not format: ${format}; remove the format line (or write format: terra), and send FIT files to a destination that takes them (fit-sink)`,
    ]);
  });

  it("a value that is no format at all is refused by the schema with the allowed ones", () => {
    const [problem] = problems(config(`  - { name: a, type: fit-sink, format: gpx }\n`));
    expect(problem).toContain("destinations[0].format");
    expect(problem).toMatch(/terra.*fit.*both/);
  });
});
