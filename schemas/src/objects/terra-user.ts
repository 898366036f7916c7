import { Type, type Static } from "@sinclair/typebox";
import { bool, document, str, timestamp } from "../typebox.ts";

/** One provider connection. `user_id` and `provider` are guaranteed on every event that carries a user. */
export const TerraUserSchema = document("TerraUser", "terra-user", {
  user_id: Type.String({ minLength: 1, description: "Identifier of this provider connection (one user per connection)." }),
  provider: Type.String({ minLength: 1, description: "Provider resource name, e.g. GARMIN." }),
  created_at: timestamp(),
  last_webhook_update: timestamp(),
  /** Comma-separated, provider-specific scope names. */
  scopes: str(),
  reference_id: str(),
  active: bool(),
});
export type TerraUser = Static<typeof TerraUserSchema>;
