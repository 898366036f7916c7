export { containsRedaction, redactSecrets, redacted, type RedactOptions, type SecretPolicy } from "./redact-secrets.ts";
export { isSecretName, normalizeName, REDACTED } from "./secret-names.ts";
export { scrubSecrets, scrubString, secretSpellings } from "./scrub-text.ts";
