export type V2Call = (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Calls to a listening Tributary's /v2 API as one developer: its dev-id and API key on every call, JSON both ways. */
export function v2Client(url: string, dev: { devId: string; apiKey: string }): V2Call {
  return async (method, path, body) => {
    const response = await fetch(`${url}/v2${path}`, {
      method,
      headers: { "dev-id": dev.devId, "x-api-key": dev.apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  };
}
