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
/** What a value that contains itself is replaced by where it recurs (as pino's stringifier writes it). */
const CIRCULAR = "[Circular]";

export interface RedactOptions {
  /**
   * Turns a value that is not a JSON shape (an Error, a class instance, a URL) into the one that will be
   * written in its place, which is then walked; returning it unchanged leaves it as it is. The logger's
   * way of scrubbing what its serializers and JSON.stringify would otherwise write unscrubbed.
   */
  shape?: (value: object) => unknown;
}

const isScalarSecret = (field: unknown): boolean => (typeof field === "string" && field !== "" && field !== REDACTED) || typeof field === "number";

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * The one scrubbing policy for what Tributary keeps or logs of provider traffic (quarantined payloads
 * and records, dead letters' job data, delivery errors, log lines): the value of every field named like
 * a secret (`isSecretName`, plus the policy's names) becomes "[redacted]", and inside every string the
 * values of secret-named query parameters, bearer credentials and the policy's known values; a
 * secret-named list (`set-cookie`) loses each of its strings and numbers. Only JSON shapes are walked
 * (arrays, plain objects); anything else (an Error, a Buffer) is returned as it is unless `options.shape`
 * turns it into one. A value met again inside itself becomes "[Circular]".
 * `changed` says whether anything was replaced, so a caller can keep the original sealed when it must.
 */
export function redactSecrets<T>(value: T, policy: SecretPolicy = {}, options: RedactOptions = {}): { value: T; changed: boolean } {
  const extra = new Set((policy.names ?? []).map(normalizeName));
  const values = (policy.values ?? []).filter((one): one is string => typeof one === "string" && one !== "");
  const { shape } = options;
  let changed = false;
  // Whether `shape` replaced something: the walked copy is then the answer even with no secret in it.
  let shaped = false;
  // The objects being walked, from the root down to here: a cycle among them is cut.
  const walking = new Set<object>();
  const visit = (item: unknown, depth: number, secretName = false): unknown => {
    if (typeof item === "string") {
      const out = scrubString(item, { extra, values });
      if (out !== item) changed = true;
      return out;
    }
    if (item === null || typeof item !== "object" || depth > MAX_DEPTH) return item;
    if (walking.has(item)) {
      shaped = true;
      return CIRCULAR;
    }
    let json: unknown = item;
    if (!Array.isArray(item) && !isPlainObject(item)) {
      if (!shape) return item;
      json = shape(item);
      if (json === item) return item;
      shaped = true;
      if (json === null || typeof json !== "object") return visit(json, depth, secretName);
    }
    walking.add(item);
    try {
      if (Array.isArray(json)) {
        return json.map((one) => {
          if (secretName && isScalarSecret(one)) {
            changed = true;
            return REDACTED;
          }
          return visit(one, depth + 1);
        });
      }
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(json as Record<string, unknown>)) {
        const secret = isSecretName(name, extra);
        if (secret && isScalarSecret(field)) {
          changed = true;
          out[name] = REDACTED;
          continue;
        }
        out[name] = visit(field, depth + 1, secret);
      }
      return out;
    } finally {
      walking.delete(item);
    }
  };
  const out = visit(value, 0) as T;
  return changed || shaped ? { value: out, changed } : { value, changed };
}

/** `redactSecrets(value).value`: when only the scrubbed copy is wanted. */
export const redacted = <T>(value: T, policy?: SecretPolicy, options?: RedactOptions): T => redactSecrets(value, policy, options).value;

/** Whether a stored value holds a redaction marker (what `quarantine show` tells the operator). */
export function containsRedaction(value: unknown): boolean {
  return value !== undefined && JSON.stringify(value)?.includes(REDACTED) === true;
}
