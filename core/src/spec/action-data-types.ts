import type { WebhookEventAction } from "@tributary/schemas";

/**
 * The data types a webhook action produces records of: none for `deauth` and `ignore`, one for the
 * record-carrying and fetching actions, and for `pull_window` each data type it lists (one notification
 * may change several: Fitbit's activities collection feeds the activity logs and the day's summary).
 */
export function actionDataTypes(action: WebhookEventAction): string[] {
  if (!("dataType" in action)) return [];
  return Array.isArray(action.dataType) ? [...action.dataType] : [action.dataType];
}
