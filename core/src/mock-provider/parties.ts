/** A provider account the mock knows. `id` is the provider's user id, as the provider writes it. */
export interface MockUser {
  id: string | number;
  /** Login at the consent page and for the password grant. */
  username?: string;
  password?: string;
  /** A token the user pastes (bearer_token auth). */
  token?: string;
  /** An API key (api_key auth). */
  apiKey?: string;
  /** What the provider's profile endpoint answers besides the id. */
  profile?: Record<string, unknown>;
  /** What the user granted, as the spec's granted-scopes request answers it. @default the scopes of the token it is asked with */
  scopes?: string[];
}

/** An OAuth client registered with the provider. */
export interface MockClient {
  id: string;
  /** Absent for a public client. */
  secret?: string;
  /** Allowed redirect URIs; absent = any. */
  redirectUris?: string[];
}

export const userKey = (user: MockUser): string => String(user.id);

export function findUser(users: readonly MockUser[], id: string): MockUser | undefined {
  return users.find((user) => userKey(user) === id);
}
