import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { defineDestination, type Destination, type DestinationCheckOptions, type DestinationPlugin } from "../../src/contracts/destination.ts";
import { createPluginRegistry, type PluginRegistry } from "../../src/registry/plugin-registry.ts";

/** A folder of its own under the OS temp dir, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; write(name: string, text: string): Promise<string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `tributary-config-${randomUUID()}-`));
  return {
    dir,
    async write(name, text) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface FakeOptions {
  url: string;
  token?: string;
  retries?: number;
  signingSecret?: string;
}

/**
 * A destination plugin whose behaviour the test chooses: what is under test is the config and check
 * logic around plugins, not a destination.
 */
export function fakeDestination(
  name: string,
  behaviour: {
    check?: (options: FakeOptions, checkOptions?: DestinationCheckOptions) => Promise<void>;
    onClose?: (name: string) => void;
    lookups?: string[];
  } = {},
): DestinationPlugin<FakeOptions> {
  return defineDestination<FakeOptions>({
    name,
    optionsSchema: {
      type: "object",
      additionalProperties: false,
      required: ["url"],
      properties: {
        url: { type: "string", description: "Where the fake sink lives." },
        token: { type: "string" },
        retries: { type: "integer", minimum: 0, default: 3 },
        signingSecret: { type: "string", minLength: 8 },
      },
    },
    secretOptions: ["token"],
    create(options, ctx): Destination {
      return {
        name: ctx.name,
        type: name,
        write: async () => undefined,
        delete: async () => undefined,
        async check(checkOptions) {
          for (const other of behaviour.lookups ?? []) {
            if (!ctx.lookup(other)) throw new Error(`lookup(${other}) found nothing`);
          }
          await behaviour.check?.(options, checkOptions);
        },
        async close() {
          behaviour.onClose?.(ctx.name);
        },
      };
    },
  });
}

export function registryWith(...plugins: DestinationPlugin<any>[]): PluginRegistry {
  return createPluginRegistry(plugins);
}

/** The smallest file that passes: the API needs one key of at least 16 characters. */
export const MINIMAL_API = "api:\n  apiKeys: [0123456789abcdef]\n";
