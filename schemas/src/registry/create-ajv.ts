import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { DATE_OR_DATE_TIME_FORMAT, DATE_TIME_FORMAT, isIsoDateOrDateTime, isIsoDateTime } from "../formats.ts";
import { EXPECTED_KEYWORD } from "./issues.ts";

/**
 * What a validator is for:
 * - `report` explains a failure: every problem of a payload at once (allErrors), each error carrying the
 *   failing schema (verbose), which lets messages name enums ("not a known ActivityType");
 * - `check` only answers valid or not, as cheaply as it can: it stops at the first problem, builds no
 *   messages, and stops at the first branch of an `anyOf` that passes. Terra's fields are "X or null"
 *   (`anyOf`), and a 2020-12 validator that tracks evaluated properties tries every branch, so each field
 *   would record (and then drop) a failed branch's error even in a valid record. That tracking only
 *   matters to `unevaluatedProperties`/`unevaluatedItems`, which without it fail every property: data the
 *   check refuses goes through the reporting validator, whose answer stands (see `SchemaRegistry`).
 */
export type AjvPurpose = "report" | "check";

/**
 * The Ajv configuration of the registries. Both purposes share:
 * - strict: unknown keywords/formats and sloppy schemas are errors, so typos in our schemas surface at start-up;
 * - discriminator: the webhook envelope dispatches on `type`;
 * - the `expected` annotation (see issues.ts): what a value must look like, in words, for messages.
 */
export function createAjv(purpose: AjvPurpose = "report"): Ajv2020 {
  const report = purpose === "report";
  const ajv = new Ajv2020({
    strict: true,
    allErrors: report,
    verbose: report,
    messages: report,
    discriminator: true,
  });
  // Ajv2020 forces this on in its constructor; it is read when a schema compiles, so off here means off.
  if (!report) ajv.opts.unevaluated = false;
  ajv.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: "string" });
  addFormats.default(ajv, ["uri", "date", "date-time", "email"]);
  ajv.addFormat(DATE_TIME_FORMAT, { type: "string", validate: isIsoDateTime });
  ajv.addFormat(DATE_OR_DATE_TIME_FORMAT, { type: "string", validate: isIsoDateOrDateTime });
  return ajv;
}
