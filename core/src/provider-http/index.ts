// The provider HTTP layer: transport, request rendering, credentials, rate budgets, the response → action table.
export type { ProviderRequest, ProviderResponse, ProviderTransport } from "./transport.ts";
export { createUndiciTransport, type UndiciTransport, type UndiciTransportOptions } from "./undici-transport.ts";
export { createOriginPolicy, type OriginPolicy, type OriginPolicyOptions } from "./origin-policy.ts";
export { renderRequest, encodeBody, type PreparedRequest, type PreparedBody, type RequestAuth, type HttpMethod } from "./render-request.ts";
export { scopeOf, type TemplateVariables } from "./template-scope.ts";
export { compileResponseRules, defaultAction, type Action, type Decision, type ResponseView } from "./response-rules.ts";
export { retryAfterMs, type RetryAfterSpec } from "./retry-after.ts";
export { budgetKeyBase } from "../queue/redis-keys.ts";
export { budgetScripts, type BudgetScripts, type BudgetWindowKey, type WindowObservation, type AcquireResult } from "./budget-scripts.ts";
export {
  providerBudget,
  OPERATOR_WINDOW,
  type ProviderBudget,
  type ProviderBudgetOptions,
  type ProviderBudgetDecision,
  type BudgetWindow,
} from "./provider-budget.ts";
export { readRateLimitHeaders, type HeaderReading, type HeaderWindow, type WindowReading } from "./rate-limit-headers.ts";
export {
  createProviderClient,
  type ProviderClient,
  type ProviderClientOptions,
  type ProviderClientSettings,
  type ProviderSession,
  type ProviderSessionOptions,
  type ProviderWaitReason,
} from "./provider-client.ts";
export type { ProviderAnswer } from "./answer.ts";
export { newRequestStats, waitShare, type RequestStats } from "./request-stats.ts";
export { ProviderAccessRevokedError, ProviderWaitError } from "./errors.ts";
export type { Credentials, StoredTokens } from "../auth/credentials.ts";
