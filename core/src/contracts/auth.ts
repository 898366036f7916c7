/**
 * How a connector authenticates against its provider. A discriminated union on `type`, plain data, so a
 * partner-submitted spec (YAML/JSON) can say it without TypeScript.
 */
export type AuthSpec = NoAuthSpec | OAuth2Spec | OAuth2PasswordSpec | ApiKeySpec | PartnerPushSpec;

/** No credentials at all (the built-in SANDBOX provider). */
export interface NoAuthSpec {
  type: "none";
}

export interface OAuth2Spec {
  type: "oauth2";
  authorizeUrl: string;
  tokenUrl: string;
  scopes: string[];
  /** Separator the provider expects between scopes. @default " " */
  scopeSeparator?: string;
  /** Send PKCE (S256) with the authorization request. @default true */
  pkce?: boolean;
  /** How the client authenticates at the token endpoint. @default "body" */
  clientAuth?: "body" | "basic";
  /** JSON pointer into the token response (or `/athlete/id`-style path) holding the provider's user id. */
  providerUserIdPointer?: string;
}

/** Username/password exchanged for a session or token (e.g. Peloton, Xert's password grant). */
export interface OAuth2PasswordSpec {
  type: "oauth2_password";
  tokenUrl: string;
  providerUserIdPointer?: string;
}

export interface ApiKeySpec {
  type: "api_key";
  /** Header that carries the key. */
  header: string;
  /** Prefix before the key, e.g. "Bearer ". @default "" */
  prefix?: string;
}

/** The provider pushes data to us and shares an HMAC secret (partner integrations such as INSIDERS). */
export interface PartnerPushSpec {
  type: "partner_push";
}
