import { randomBytes } from "node:crypto";
import type { HandshakeSpec } from "@tributary/schemas";

/**
 * The checks a provider makes against a callback URL before it sends pushes there, played from the
 * provider's side: Strava's and Oura's challenge echo, Fitbit's verify code (204 for the right code, 404
 * for a wrong one), Withings' HEAD probe.
 */
export interface HandshakeResult {
  type: HandshakeSpec["type"];
  ok: boolean;
  /** What was expected and what came back, for a failing test's message. */
  detail: string;
}

export interface HandshakeOptions {
  /** The verify token the provider was given when the subscription was made. */
  verifyToken?: string;
  /** How long the provider waits for an answer (Strava: 2 s). @default 10000 */
  timeoutMs?: number;
}

export async function challengeHandshake(
  callbackUrl: string,
  spec: Extract<HandshakeSpec, { type: "challenge" }>,
  options: HandshakeOptions = {},
): Promise<HandshakeResult> {
  const challenge = randomBytes(8).toString("hex");
  const url = new URL(callbackUrl);
  // Strava's hub.* parameters come with hub.mode=subscribe.
  if (spec.param.startsWith("hub.")) url.searchParams.set("hub.mode", "subscribe");
  url.searchParams.set(spec.param, challenge);
  if (spec.verifyTokenParam && options.verifyToken !== undefined) url.searchParams.set(spec.verifyTokenParam, options.verifyToken);
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const text = await response.text();
  const fail = (why: string): HandshakeResult => ({
    type: "challenge",
    ok: false,
    detail: `${why} (status ${response.status}, body ${JSON.stringify(text.slice(0, 200))})`,
  });
  if (response.status !== 200) return fail("expected 200 echoing the challenge");
  if (spec.respond === "text")
    return text.trim() === challenge ? { type: "challenge", ok: true, detail: "challenge echoed as text" } : fail(`expected the bare challenge ${challenge}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("expected a JSON body");
  }
  const echoed = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)[spec.param] : undefined;
  return echoed === challenge ? { type: "challenge", ok: true, detail: "challenge echoed as JSON" } : fail(`expected {"${spec.param}":"${challenge}"}`);
}

/** Fitbit sends the right code (wants 204) and a wrong one (wants 404); both must hold. */
export async function verifyCodeHandshake(
  callbackUrl: string,
  spec: Extract<HandshakeSpec, { type: "verify_code" }>,
  options: HandshakeOptions = {},
): Promise<HandshakeResult> {
  const code = options.verifyToken ?? "";
  const ask = async (value: string) => {
    const url = new URL(callbackUrl);
    url.searchParams.set(spec.param, value);
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    await response.arrayBuffer();
    return response.status;
  };
  const right = await ask(code);
  const wrong = await ask(`${code}-wrong-${randomBytes(4).toString("hex")}`);
  const ok = right === 204 && wrong === 404;
  return { type: "verify_code", ok, detail: `right code → ${right} (want 204), wrong code → ${wrong} (want 404)` };
}

export async function headHandshake(callbackUrl: string, options: HandshakeOptions = {}): Promise<HandshakeResult> {
  const response = await fetch(callbackUrl, { method: "HEAD", signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const ok = response.status >= 200 && response.status < 300;
  return { type: "head", ok, detail: `HEAD → ${response.status} (want 2xx)` };
}

/** Every handshake a webhook spec declares, in order. */
export async function runHandshakes(callbackUrl: string, handshakes: readonly HandshakeSpec[], options: HandshakeOptions = {}): Promise<HandshakeResult[]> {
  const results: HandshakeResult[] = [];
  for (const spec of handshakes) {
    if (spec.type === "challenge") results.push(await challengeHandshake(callbackUrl, spec, options));
    else if (spec.type === "verify_code") results.push(await verifyCodeHandshake(callbackUrl, spec, options));
    else results.push(await headHandshake(callbackUrl, options));
  }
  return results;
}
