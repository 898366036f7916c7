/** How a connector authenticates against its provider: the connector spec's `auth`, plain data. */
export type {
  AuthSpec,
  OAuth2AuthSpec,
  OAuth2PasswordAuthSpec,
  BearerTokenAuthSpec,
  ApiKeyAuthSpec,
  PartnerPushAuthSpec,
  AuthType,
} from "@tributary/schemas";
