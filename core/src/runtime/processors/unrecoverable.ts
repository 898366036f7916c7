import { UnrecoverableError } from "bullmq";
import { errorClassOf, operatorMessage } from "../../errors/tributary-error.ts";

/**
 * The rule every processor shares: an error only an operator or user can fix (bad config, deleted
 * connection, unsupported type) ends the job now — BullMQ retries would only repeat it. It keeps the
 * operator's message (code, hint), which the job's dead letter records and logs. Anything else is
 * returned unchanged, to be rethrown and retried with backoff.
 */
export function unrecoverableIfUserError(error: unknown): unknown {
  return errorClassOf(error) === "user" ? new UnrecoverableError(operatorMessage(error)) : error;
}
