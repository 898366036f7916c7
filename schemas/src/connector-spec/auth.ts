import { Type, type Static } from "@sinclair/typebox";
import { closed, Pointer, tagged, Template } from "./define.ts";
import { RequestSpec } from "./http.ts";

/** Where the provider's id of the connected user comes from. */
export const ProviderUserIdSpec = tagged(
  "from",
  [
    closed({
      from: Type.Literal("token"),
      path: Pointer('Pointer into the token response, e.g. "/user_id" (Fitbit), "/athlete/id" (Strava), "/x_user_id" (Polar).'),
    }),
    closed({
      from: Type.Literal("request"),
      request: RequestSpec,
      path: Pointer('Pointer into the response of `request` (made with the new access token), e.g. "/id".'),
    }),
    closed({
      from: Type.Literal("username"),
      description: Type.Optional(Type.String()),
    }),
  ],
  { description: "The provider user id identifies the account in pushes and prevents connecting one account twice." },
);
export type ProviderUserIdSpec = Static<typeof ProviderUserIdSpec>;

/**
 * Where the scopes the user granted are read after connecting, when the token answer does not say them
 * (Garmin's consent names none: the member ticks what to share, and `GET /user/permissions` tells it).
 */
export const GrantedScopesSpec = closed(
  {
    request: RequestSpec,
    path: Pointer(
      'Pointer into the answer of `request` (made with the new access token) to the scopes: a list of strings, or one string separated by spaces or commas. "" when the answer is the list (Garmin).',
    ),
  },
  {
    description:
      "Read at connect, after the provider user id: what it answers becomes the connection's scopes (`user.scopes`), in place of the token answer's. A failed read leaves the token answer's scopes and does not fail the connection.",
  },
);
export type GrantedScopesSpec = Static<typeof GrantedScopesSpec>;

/**
 * How to read a token endpoint's answer when it is not plain RFC 6749 JSON — Withings answers 200 with
 * `{"status":0,"body":{…tokens…}}`, and a non-zero status on failure.
 */
export const TokenResponseSpec = closed({
  root: Type.Optional(Pointer('Where the token fields are, e.g. "/body". @default ""')),
  statusPath: Type.Optional(Pointer("A status field that says success or failure although the HTTP status is 200.")),
  successValues: Type.Optional(
    Type.Array(Type.Union([Type.String(), Type.Number()]), { minItems: 1, description: "Values of statusPath that mean success. @default [0]" }),
  ),
  refusedValues: Type.Optional(
    Type.Array(Type.Union([Type.String(), Type.Number()]), {
      minItems: 1,
      description:
        "Values of statusPath that mean the provider refused the grant (bad code, password or refresh token): the user must connect again. Any other failure is retried as a provider error.",
    }),
  ),
  errorPath: Type.Optional(Pointer('Where a failure answer explains itself, e.g. "/error" (Withings).')),
});

/** A client the provider publishes for everyone, used when the operator configures none. */
const PublicClientSpec = closed(
  {
    id: Type.String(),
    secret: Type.Optional(Type.String()),
  },
  { description: "A client the provider publishes for everyone (Xert: xert_public, Peloton: its web app's client id); the operator config overrides it." },
);

/** Requests made on a user's behalf when they connect or disconnect (register, subscribe, deregister). */
export const LifecycleSpec = closed({
  connect: Type.Optional(
    Type.Array(RequestSpec, {
      description: 'After the tokens are stored: e.g. Polar user registration, Fitbit/Withings subscriptions. A 409 ("already exists") counts as done.',
    }),
  ),
  disconnect: Type.Optional(
    Type.Array(RequestSpec, { description: "On deauthorization, before the tokens are dropped: e.g. Garmin deregistration, subscription removal." }),
  ),
});

const common = {
  providerUserId: Type.Optional(ProviderUserIdSpec),
  grantedScopes: Type.Optional(GrantedScopesSpec),
  lifecycle: Type.Optional(LifecycleSpec),
};

const oauth2Properties = {
  type: Type.Literal("oauth2"),
  authorizeUrl: Template("The provider consent page."),
  tokenUrl: Template("Token endpoint: authorization code and refresh grants."),
  refreshUrl: Type.Optional(Template("Refresh grant endpoint when it differs from tokenUrl.")),
  revoke: Type.Optional(RequestSpec),
  scopes: Type.Array(Type.String(), { description: "Scopes requested at consent." }),
  scopeSeparator: Type.Optional(Type.String({ description: '@default " "' })),
  pkce: Type.Optional(Type.Boolean({ description: "Send a PKCE S256 challenge. @default true" })),
  state: Type.Optional(Type.Boolean({ description: "Send `state` (always checked on callback when sent). @default true" })),
  clientAuth: Type.Optional(
    Type.Union([Type.Literal("body"), Type.Literal("basic")], { description: 'How the client authenticates at the token endpoint. @default "body"' }),
  ),
  authorizeParams: Type.Optional(Type.Record(Type.String(), Template(""), { description: "Extra authorize parameters (audience, approval_prompt, …)." })),
  tokenParams: Type.Optional(Type.Record(Type.String(), Template(""), { description: "Extra token-request parameters (Withings: action=requesttoken)." })),
  refreshParams: Type.Optional(Type.Record(Type.String(), Template(""), { description: "Extra parameters of refresh requests only (WHOOP: scope=offline)." })),
  publicClient: Type.Optional(PublicClientSpec),
  tokenBody: Type.Optional(Type.Union([Type.Literal("form"), Type.Literal("json")], { description: 'Encoding of token requests. @default "form"' })),
  tokenResponse: Type.Optional(TokenResponseSpec),
  refresh: Type.Optional(
    Type.Union([Type.Literal("rotating"), Type.Literal("reusable"), Type.Literal("none")], {
      description:
        'rotating: every refresh returns a new refresh token that replaces the old (single use); reusable: the old one stays valid; none: no refresh token (Polar: long-lived access tokens). @default "rotating"',
    }),
  ),
  expiryBufferSeconds: Type.Optional(Type.Integer({ minimum: 0, description: "Refresh this long before expiry. @default 300" })),
  ...common,
};

const oauth2PasswordProperties = {
  type: Type.Literal("oauth2_password"),
  tokenUrl: Template("Token endpoint for grant_type=password and refresh_token."),
  scopes: Type.Optional(Type.Array(Type.String())),
  scopeSeparator: Type.Optional(Type.String()),
  clientAuth: Type.Optional(Type.Union([Type.Literal("body"), Type.Literal("basic")])),
  publicClient: Type.Optional(PublicClientSpec),
  tokenParams: Type.Optional(Type.Record(Type.String(), Template(""))),
  refreshParams: Type.Optional(Type.Record(Type.String(), Template(""))),
  tokenBody: Type.Optional(Type.Union([Type.Literal("form"), Type.Literal("json")])),
  tokenResponse: Type.Optional(TokenResponseSpec),
  refresh: Type.Optional(Type.Union([Type.Literal("rotating"), Type.Literal("reusable"), Type.Literal("none")])),
  expiryBufferSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  ...common,
};

const bearerTokenProperties = {
  type: Type.Literal("bearer_token"),
  instructions: Type.Optional(Type.String({ description: "Shown to the end user beside the token field: where to find their token." })),
  header: Type.Optional(Type.String({ description: '@default "Authorization"' })),
  prefix: Type.Optional(Type.String({ description: '@default "Bearer "' })),
  ...common,
};

const apiKeyProperties = {
  type: Type.Literal("api_key"),
  in: Type.Union([Type.Literal("header"), Type.Literal("query")]),
  name: Type.String({ description: "Header or query parameter name." }),
  prefix: Type.Optional(Type.String()),
  instructions: Type.Optional(Type.String()),
  ...common,
};

/**
 * Another way the same provider's users can connect, offered beside the main one: Peloton's pasted bearer
 * token when its login changes, Xert's authorization code flow for an operator with a partner client. An
 * alternative without its own `providerUserId` or `lifecycle` uses the main method's. Requests of a
 * connection are authenticated the way of the method it was connected with.
 */
export const AlternativeAuthSpec = tagged(
  "type",
  [closed(oauth2Properties), closed(oauth2PasswordProperties), closed(bearerTokenProperties), closed(apiKeyProperties)],
  {
    description: "A second connection method (oauth2, oauth2_password, bearer_token or api_key), of another type than the main one and the other alternatives.",
  },
);
export type AlternativeAuthSpec = Static<typeof AlternativeAuthSpec>;

const alternatives = {
  alternatives: Type.Optional(
    Type.Array(AlternativeAuthSpec, {
      minItems: 1,
      description: "Further connection methods the widget offers beside this one (e.g. a pasted token under the main button).",
    }),
  ),
};

export const OAuth2AuthSpec = closed({ ...oauth2Properties, ...alternatives });
export const OAuth2PasswordAuthSpec = closed({ ...oauth2PasswordProperties, ...alternatives });
export const BearerTokenAuthSpec = closed({ ...bearerTokenProperties, ...alternatives });
export const ApiKeyAuthSpec = closed({ ...apiKeyProperties, ...alternatives });

export const PartnerPushAuthSpec = closed({
  type: Type.Literal("partner_push"),
  description: Type.Optional(Type.String()),
  ...common,
});

export const NoAuthSpec = closed({ type: Type.Literal("none") });

export const AuthSpec = tagged("type", [OAuth2AuthSpec, OAuth2PasswordAuthSpec, BearerTokenAuthSpec, ApiKeyAuthSpec, PartnerPushAuthSpec, NoAuthSpec], {
  description: "How a user connects and how requests are authenticated. Client ids and secrets come from the operator config.",
});
export type AuthSpec = Static<typeof AuthSpec>;
export type OAuth2AuthSpec = Static<typeof OAuth2AuthSpec>;
export type OAuth2PasswordAuthSpec = Static<typeof OAuth2PasswordAuthSpec>;
export type BearerTokenAuthSpec = Static<typeof BearerTokenAuthSpec>;
export type ApiKeyAuthSpec = Static<typeof ApiKeyAuthSpec>;
export type PartnerPushAuthSpec = Static<typeof PartnerPushAuthSpec>;
export type AuthType = AuthSpec["type"];
