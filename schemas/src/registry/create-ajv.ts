import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  DATE_OR_DATE_TIME_FORMAT,
  DATE_TIME_FORMAT,
  isIsoDateOrDateTime,
  isIsoDateTime,
} from '../formats.ts';

/**
 * The one Ajv configuration used by every registry:
 * - strict: unknown keywords/formats and sloppy schemas are errors, so typos in our schemas surface at start-up;
 * - allErrors: an integration engineer wants every problem of a payload at once;
 * - verbose: errors carry the failing schema, which lets messages name enums ("not a known ActivityType");
 * - discriminator: the webhook envelope dispatches on `type`.
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    verbose: true,
    discriminator: true,
  });
  addFormats.default(ajv, ['uri', 'date', 'date-time', 'email']);
  ajv.addFormat(DATE_TIME_FORMAT, { type: 'string', validate: isIsoDateTime });
  ajv.addFormat(DATE_OR_DATE_TIME_FORMAT, { type: 'string', validate: isIsoDateOrDateTime });
  return ajv;
}
