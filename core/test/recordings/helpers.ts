import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";
import type { ProviderRequest, ProviderResponse, ProviderTransport } from "../../src/provider-http/transport.ts";

/** A fresh folder, removed when the test ends. */
export async function tempFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-recordings-"));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (relative path → JSON value or raw text) into a folder. */
export async function writeFiles(dir: string, files: Record<string, unknown>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
}

/** A plain fetch-based live transport, standing in for the production one in these tests. */
export const fetchTransport: ProviderTransport = async (request: ProviderRequest): Promise<ProviderResponse> => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: request.signal ?? AbortSignal.timeout(request.timeoutMs),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
};

export function get(url: string, headers: Record<string, string> = {}): ProviderRequest {
  return { method: "GET", url, headers, timeoutMs: 5000, maxResponseBytes: 10_000_000 };
}

export function post(url: string, body: string, contentType: string, headers: Record<string, string> = {}): ProviderRequest {
  return { method: "POST", url, headers: { "content-type": contentType, ...headers }, body, timeoutMs: 5000, maxResponseBytes: 10_000_000 };
}
