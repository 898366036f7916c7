import { signTerraPayload, type DataType, type DateRange, type ProviderRecord } from "@tributary/core/contracts";
import { pingNotification, pushNotification, type SandboxNotification, type SandboxPushBody } from "./notifications.ts";
import { SANDBOX_SIGNATURE_HEADER } from "./webhook-spec.ts";

export interface SandboxPushClientOptions {
  /** Where Tributary receives the sandbox provider's pushes, e.g. `http://localhost:8080/hooks/sandbox`. */
  hookUrl: string;
  /** The shared secret (`providers.SANDBOX.pushSecret` on the Tributary side). */
  secret: string;
  /** Unix seconds to sign with (tests of replay windows). @default the clock */
  nowSeconds?: () => number;
}

export interface SandboxPushResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

export interface SandboxPushClient {
  /** "`dataType` data changed for this user in `window`": Tributary pulls the window. */
  sendPing(providerUserId: string, dataType: DataType, window: DateRange): Promise<SandboxPushResponse>;
  /** The records themselves (native sandbox shapes, e.g. from `sandboxProviderRecords`). */
  sendPush(providerUserId: string, dataType: DataType, records: readonly ProviderRecord[]): Promise<SandboxPushResponse>;
  /** Several notifications in one request, as providers batch them. */
  send(notifications: readonly SandboxNotification[]): Promise<SandboxPushResponse>;
}

export interface SignedRequest {
  /** The exact bytes to send: the signature covers them, so they must not be re-serialized. */
  rawBody: Buffer;
  headers: Record<string, string>;
}

/** Serialize once and sign those bytes, the way a provider signs a push. */
export function signSandboxRequest(secret: string, body: SandboxPushBody, nowSeconds = Math.floor(Date.now() / 1000)): SignedRequest {
  const rawBody = Buffer.from(JSON.stringify(body), "utf8");
  return {
    rawBody,
    headers: { "content-type": "application/json", [SANDBOX_SIGNATURE_HEADER]: signTerraPayload(secret, rawBody, nowSeconds) },
  };
}

/**
 * The sandbox provider's side of push mode: POSTs signed notification batches to a Tributary hook URL,
 * exactly as a real provider would. Used by tests, the demo and the benchmark.
 */
export function createSandboxPushClient(options: SandboxPushClientOptions): SandboxPushClient {
  const send = async (notifications: readonly SandboxNotification[]): Promise<SandboxPushResponse> => {
    const now = options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    const request = signSandboxRequest(options.secret, { notifications: [...notifications] }, now);
    const response = await fetch(options.hookUrl, { method: "POST", headers: request.headers, body: request.rawBody });
    const text = await response.text();
    let body: unknown = text;
    if (response.headers.get("content-type")?.includes("application/json")) {
      try {
        body = JSON.parse(text);
      } catch {
        // A broken JSON answer is still an answer: keep the text.
      }
    }
    return { status: response.status, body };
  };
  return {
    send,
    sendPing: (providerUserId, dataType, window) => send([pingNotification(providerUserId, dataType, window)]),
    sendPush: (providerUserId, dataType, records) => send([pushNotification(providerUserId, dataType, records)]),
  };
}
