import { isSecretName, normalizeName, REDACTED } from "./secret-names.ts";
import { scrubString } from "./scrub-text.ts";

/**
 * What a connector adds to the generic rule: names of fields and parameters its traffic keeps secrets
 * in, and secret values known to the deployment (the provider's push secret, its verify token).
 */
export interface SecretPolicy {
  names?: readonly string[];
  values?: readonly (string | undefined)[];
}

/** Provider JSON is shallow; anything deeper than this is left as it is rather than walked. */
const MAX_DEPTH = 64;

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * The one scrubbing policy for what Tributary keeps or logs of provider traffic (quarantined payloads
 * and records, dead letters' job data, delivery errors, log lines): the value of every field named like
 * a secret (`isSecretName`, plus the policy's names) becomes "[redacted]", and inside every string the
 * values of secret-named query parameters, bearer credentials and the policy's known values. Only JSON
 * shapes are walked (arrays, plain objects); anything else (an Error, a Buffer) is returned as it is.
 * `changed` says whether anything was replaced, so a caller can keep the original sealed when it must.
 */
export function redactSecrets<T>(value: T, policy: SecretPolicy = {}): { value: T; changed: boolean } {
  const extra = new Set((policy.names ?? []).map(normalizeName));
  const values = (policy.values ?? []).filter((one): one is string => typeof one === "string" && one !== "");
  let changed = false;
  const visit = (item: unknown, depth: number): unknown => {
    if (typeof item === "string") {
      const out = scrubString(item, { extra, values });
      if (out !== item) changed = true;
      return out;
    }
    if (depth > MAX_DEPTH) return item;
    if (Array.isArray(item)) return item.map((one) => visit(one, depth + 1));
    if (!isPlainObject(item)) return item;
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(item)) {
      if ((typeof field === "string" && field !== "" && field !== REDACTED) || typeof field === "number") {
        if (isSecretName(name, extra)) {
          changed = true;
          out[name] = REDACTED;
          continue;
        }
      }
      out[name] = visit(field, depth + 1);
    }
    return out;
  };
  const out = visit(value, 0) as T;
  return changed ? { value: out, changed } : { value, changed };
}

/** `redactSecrets(value).value`: when only the scrubbed copy is wanted. */
export const redacted = <T>(value: T, policy?: SecretPolicy): T => redactSecrets(value, policy).value;

/** Whether a stored value holds a redaction marker (what `quarantine show` tells the operator). */
export function containsRedaction(value: unknown): boolean {
  return value !== undefined && JSON.stringify(value)?.includes(REDACTED) === true;
}
