// The mock kit for tests: the building blocks (in core, because `tributary mock` serves them too) plus
// helpers that only tests need.
export * from "@tributary/core/mock-provider";
export { authorizeWithMock, type MockAuthorization } from "./authorize.ts";
export { submitConsent, type ConsentLogin, type ConsentOutcome } from "./consent.ts";
export { pkcePair } from "./pkce-pair.ts";
export { mockTokenRequest, type MockTokenAnswer } from "./token-request.ts";
export { startMockProvider } from "./start-mock.ts";
