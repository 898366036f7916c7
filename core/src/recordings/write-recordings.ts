import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RecordedExchange } from "@tributary/schemas";

/**
 * Writes exchanges as recording files, numbered after the folder's highest number so they sort (and
 * replay, among equally specific matches) in the order they happened: `0007-get-v2-usercollection-sleep.json`.
 */
export interface RecordingWriter {
  write(exchange: RecordedExchange): Promise<string>;
}

export function recordingWriter(dir: string): RecordingWriter {
  let next: Promise<number> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const firstNumber = async () => {
    await mkdir(dir, { recursive: true });
    const numbers = (await readdir(dir)).map((name) => /^(\d+)-/.exec(name)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    return numbers.length > 0 ? Math.max(...numbers) + 1 : 1;
  };
  return {
    write(exchange) {
      const written = chain.then(async () => {
        next ??= firstNumber();
        const number = await next;
        next = Promise.resolve(number + 1);
        const name = `${String(number).padStart(4, "0")}-${exchange.request.method.toLowerCase()}-${slug(exchange.request.path)}.json`;
        await writeFile(join(dir, name), `${JSON.stringify(exchange, null, 2)}\n`, { flag: "wx" });
        return name;
      });
      chain = written.catch(() => undefined);
      return written;
    },
  };
}

export async function writeRecordings(dir: string, exchanges: readonly RecordedExchange[]): Promise<string[]> {
  const writer = recordingWriter(dir);
  const names: string[] = [];
  for (const exchange of exchanges) names.push(await writer.write(exchange));
  return names;
}

function slug(path: string): string {
  return path.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "") || "root";
}
