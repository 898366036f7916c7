// Building blocks for faithful provider mocks (fastify), and a whole mock built from a connector spec.
// Part of core, not of the test kit, because `tributary mock <provider>` and the demo serve it too.
export { type MockAnswer, sendAnswer } from "./answer.ts";
export { manualClock, systemClock, type ManualClock, type MockClock } from "./clock.ts";
export { ERROR_SHAPES, resolveErrorShape, type ErrorShape, type ErrorShapeName, type ProviderErrorKind } from "./error-shapes.ts";
export { challengeHandshake, headHandshake, runHandshakes, verifyCodeHandshake, type HandshakeOptions, type HandshakeResult } from "./handshakes.ts";
export { createMockApp, type MockApp, type MockRequestLogEntry } from "./mock-app.ts";
export { loadMockFixtures, MOCK_PROVIDER_FILE, MOCK_URLS_FILE, MOCK_USERS_FILE } from "./fixture-files.ts";
export {
  mockFromSpec,
  type FixtureRecords,
  type LifecycleCall,
  type MockFromSpecOptions,
  type MockProvider,
  type MockProviderUrls,
  type ProviderBehaviour,
  type RateLimitRefusal,
  type RequestedWindow,
  type SpecFixtures,
  type StreamFixture,
} from "./mock-from-spec.ts";
export { bearerToken, registerOAuthServer, type AuthOutcome, type GrantType, type OAuthServerOptions, type OAuthServer } from "./oauth-server.ts";
export { cursorSlice, decodeCursor, encodeCursor, linkHeader, nextPageUrl, offsetSlice, pageSlice } from "./paging.ts";
export type { MockClient, MockUser } from "./parties.ts";
export { s256Challenge } from "./pkce.ts";
export { sendPush, signPush, timestampText, type PushOptions, type PushResponse, type SendPushOptions, type SignedPush } from "./push-sender.ts";
export { createRequestBudget, type BudgetDecision, type BudgetHeaders, type BudgetKey, type BudgetWindow, type RequestBudget } from "./request-budget.ts";
export { DEFAULT_MOCK_CLIENT } from "./spec-oauth.ts";
export type { MockTransaction, TransactionFixture } from "./transaction-server.ts";
export type { UrlAnswer } from "./url-answers.ts";
export { TOKEN_ERROR_SHAPES, WITHINGS_ENVELOPE, type StatusEnvelope, type TokenErrorShape } from "./token-answers.ts";
export type { Grant, RefreshMode, TokenEvent, TokenStore } from "./token-store.ts";
