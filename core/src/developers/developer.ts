/**
 * A developer account: what the dev-id + x-api-key headers of a REST call authenticate as. Its users
 * (connections), their data and its destinations are its own; no call and no delivery crosses over.
 */
export interface Developer {
  devId: string;
  /** SHA-256 digests of the accepted API keys (several while rotating); the keys themselves are not kept. */
  keyDigests: readonly Buffer[];
  /** Default secret its destinations sign payloads with. */
  signingSecret?: string;
  /** Providers it offers; undefined = every enabled provider. */
  providers?: ReadonlySet<string>;
  /** Names of the destinations its data goes to. */
  destinations: ReadonlySet<string>;
  /** The `api:` account: owns connections made without an account and the destinations nobody lists. */
  isDefault: boolean;
}
