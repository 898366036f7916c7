import { Histogram, type Registry } from "prom-client";

const HOOK_DURATION = "tributary_http_request_duration_seconds";

/**
 * Request duration of the provider-push route, by method, route template and status. Created once per
 * registry: the API and the workers of one process share the registry of the runtime context.
 */
export function hookDurationHistogram(registry: Registry): Histogram<"method" | "route" | "status_code"> {
  const existing = registry.getSingleMetric(HOOK_DURATION);
  if (existing) return existing as Histogram<"method" | "route" | "status_code">;
  return new Histogram({
    name: HOOK_DURATION,
    help: "Duration of provider push requests (POST/GET /hooks/:provider), by method, route and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

/**
 * Outcomes counted by `tributary_provider_webhooks_total`: one per request, except those counted per
 * notification: `unknown_user` (no active connection has that provider account), `ignored`,
 * `refused_notification` (left out of its batch: it can never be processed) and `duplicate` (the same
 * notification again in one request). `not_found` counts pushes to a provider that takes none here
 * (provider `unknown`, or one disabled by the operator).
 */
export type WebhookOutcome =
  | "accepted"
  | "rejected_signature"
  | "replayed"
  | "unknown_user"
  | "ignored"
  | "refused_notification"
  | "duplicate"
  | "not_found"
  | "bad_request"
  | "challenge"
  | "unavailable"
  | "rate_limited"
  | "too_large";
