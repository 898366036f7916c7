import { Ajv2020 } from "ajv/dist/2020.js";

/**
 * The ajv settings every part of a config is checked with: all errors at once (an operator fixes the
 * file once, not once per run), defaults filled in, and the `data` of each error kept so messages can
 * say what was found.
 *
 * `strict` is on for our own schema, where an unknown keyword is a bug; plugin option schemas are
 * third-party, so there ajv tolerates keywords it does not know (`x-secret`, `examples`-like extras).
 */
export function createConfigAjv(options: { strict: boolean }): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: options.strict });
  // ajv-formats is not a core dependency; these cover what config and option schemas use.
  ajv.addFormat("uri", { type: "string", validate: isAbsoluteUri });
  ajv.addFormat("uri-reference", { type: "string", validate: (value: string) => URL.canParse(value, "http://x.invalid/") });
  ajv.addFormat("email", { type: "string", validate: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ });
  ajv.addFormat("hostname", {
    type: "string",
    validate: /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i,
  });
  ajv.addFormat("uuid", { type: "string", validate: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i });
  ajv.addFormat("date", { type: "string", validate: (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) });
  ajv.addFormat("date-time", {
    type: "string",
    validate: (value: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value)),
  });
  return ajv;
}

function isAbsoluteUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value);
}
