import { UnrecoverableError } from "bullmq";
import { errorClassOf, operatorMessage } from "../../errors/tributary-error.ts";
import type { Logger } from "../../log/logger.ts";

/**
 * The rule every processor shares: an error only an operator or user can fix (bad config, deleted
 * connection, unsupported type) ends the job now — BullMQ retries would only repeat it. Anything else is
 * returned unchanged, to be rethrown and retried with backoff.
 */
export function unrecoverableIfUserError(error: unknown, log: Logger, what: string, fields: Record<string, unknown> = {}): unknown {
  if (errorClassOf(error) !== "user") return error;
  const message = operatorMessage(error);
  log.error({ ...fields, err: message }, `${what} failed with an error retrying cannot fix`);
  return new UnrecoverableError(message);
}
