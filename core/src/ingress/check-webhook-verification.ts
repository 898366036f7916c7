import type { ConnectorSpec } from "@tributary/schemas";
import { signPush, type SignedPush } from "../mock-provider/push-sender.ts";
import { setPointer } from "../mock-provider/set-pointer.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import { pushSettings } from "./push-settings.ts";
import { replayFingerprint } from "./replay-fingerprint.ts";
import { DEFAULT_TOLERANCE_SECONDS } from "./verified-push.ts";
import { precheckPush, verifyPush } from "./verify-push.ts";

export interface VerificationCheck {
  /** What was checked, e.g. "a push signed with another secret is refused". */
  name: string;
  status: "pass" | "fail" | "skipped";
  detail: string;
}

export interface CheckWebhookVerificationOptions {
  /** The secret the scheme checks (pushSecret or the client secret). @default a random one */
  secret?: string;
  /** providers.<NAME>.options, e.g. the subscription id a `none` scheme matches. */
  options?: Readonly<Record<string, unknown>>;
  /**
   * Signs a push for a `hook` scheme, which no declarative signer knows: headers (and query) for these
   * bytes. Without it, a hook connector's checks are skipped.
   */
  signWithHook?: (body: Buffer, secret: string, nowMs: number) => { headers: Record<string, string>; query?: Record<string, string> };
  /** @default Date.now() */
  now?: number;
}

/**
 * The ingress's verdict on a connector's pushes, in-process and as the ingress reaches it: each example
 * push (`webhook.examples`, else an empty one — naming the subscription a `none` scheme matches) signed as the provider signs it is accepted; the same push signed
 * with another secret, stale, with a changed body, or naming another subscription is refused; the same
 * push twice has one replay fingerprint and a push signed later another. What testConnector() runs for
 * "the webhook accepts a right signature and rejects a wrong, stale or replayed one".
 */
export function checkWebhookVerification(
  definition: Pick<ConnectorDefinition, "spec" | "hooks">,
  options: CheckWebhookVerificationOptions = {},
): VerificationCheck[] {
  const spec = definition.spec;
  const webhook = spec.webhook;
  if (!webhook) return [{ name: "the connector takes pushes", status: "skipped", detail: "no webhook declared" }];
  const verify = webhook.verify;
  const secret = options.secret ?? `test-secret-${Math.random().toString(36).slice(2)}`;
  const now = options.now ?? Date.now();
  const config = { pushSecret: secret, clientSecret: secret, options: options.options };
  const settings = pushSettings(spec, config);
  if (!settings.ok)
    return [{ name: "the connector's pushes can be verified with the given settings", status: "fail", detail: `${settings.problem} — ${settings.hint}` }];

  const encoding = webhook.body ?? "json";
  const sign = (payload: unknown, withSecret = secret, at = now): SignedPush | undefined => {
    if (verify.scheme !== "hook") return signPush({ verify, encoding, payload, secret: withSecret, now: at });
    if (!options.signWithHook) return undefined;
    const body = signPush({ verify: { scheme: "none", reason: "" }, encoding, payload, secret: withSecret }).body;
    const signed = options.signWithHook(body, withSecret, at);
    return { body, headers: lowerCased(signed.headers), query: signed.query ?? {} };
  };
  const judge = (push: SignedPush, at = now) => {
    const request = { headers: push.headers, rawBody: push.body, query: push.query };
    const refusal = precheckPush(webhook, push.headers, at / 1000);
    return refusal !== undefined ? ({ ok: false, reason: refusal } as const) : verifyPush(definition, request, settings.settings, at / 1000);
  };

  const checks: VerificationCheck[] = [];
  const check = (name: string, passed: boolean, detail: string) => checks.push({ name, status: passed ? "pass" : "fail", detail });
  const examples = webhook.examples?.length
    ? webhook.examples.map((example, i) => ({ label: example.description ?? `example ${i}`, body: example.body }))
    : [
        {
          label: "a minimal push",
          body: verify.scheme === "none" && verify.match ? withField({}, verify.match.path, String(settings.settings.options[verify.match.setting])) : {},
        },
      ];
  if (verify.scheme === "hook" && !options.signWithHook)
    return [{ name: "pushes signed for the verify hook", status: "skipped", detail: "pass signWithHook to sign pushes the way the hook checks them" }];

  for (const example of examples) {
    const push = sign(example.body)!;
    const accepted = judge(push);
    check(`${example.label}: the right push is accepted`, accepted.ok, accepted.ok ? "accepted" : accepted.reason);
    if (!accepted.ok) continue;
    const again = judge(push);
    check(
      `${example.label}: the same push twice is one push (a replay)`,
      again.ok && replayFingerprint(spec.name, again) === replayFingerprint(spec.name, accepted),
      "fingerprints of what was verified",
    );

    if (verify.scheme !== "none") {
      const wrong = judge(sign(example.body, `${secret}-wrong`)!);
      check(`${example.label}: a push signed with another secret is refused`, !wrong.ok, wrong.ok ? "accepted" : wrong.reason);
    } else if (verify.match) {
      const other = judge(sign(withField(example.body, verify.match.path, `not-${String(settings.settings.options[verify.match.setting])}`))!);
      check(`${example.label}: a push for another subscription is refused`, !other.ok, other.ok ? "accepted" : other.reason);
    }
    if (signsBody(spec)) {
      const changed = { ...push, body: Buffer.concat([push.body, Buffer.from(" ")]) };
      const result = judge(changed);
      check(`${example.label}: a changed body under the signature is refused`, !result.ok, result.ok ? "accepted" : result.reason);
    }
    const tolerance = timestampTolerance(spec);
    if (tolerance !== undefined) {
      for (const [label, at] of [
        ["stale", now - (tolerance + 60) * 1000],
        ["from the future", now + (tolerance + 60) * 1000],
      ] as const) {
        const result = judge(sign(example.body, secret, at)!);
        check(`${example.label}: a push signed ${label} is refused`, !result.ok, result.ok ? "accepted" : result.reason);
      }
      const later = judge(sign(example.body, secret, now + 2000)!);
      check(
        `${example.label}: the same body signed later is another push`,
        later.ok && replayFingerprint(spec.name, later) !== replayFingerprint(spec.name, accepted),
        later.ok ? "fingerprints differ by the signed time" : later.reason,
      );
    }
  }
  return checks;
}

const signsBody = (spec: ConnectorSpec) => spec.webhook!.verify.scheme === "terra" || spec.webhook!.verify.scheme === "hmac";

function timestampTolerance(spec: ConnectorSpec): number | undefined {
  const verify = spec.webhook!.verify;
  if (verify.scheme === "terra") return verify.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (verify.scheme === "hmac" && verify.timestampHeader !== undefined) return verify.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return undefined;
}

function withField(body: unknown, pointer: string, value: string): unknown {
  return setPointer(structuredClone(body ?? {}), pointer, value);
}

const lowerCased = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
