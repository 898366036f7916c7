import type { AuthOutcome } from "../auth/auth-outcome.ts";
import type { AuthService } from "../auth/auth-service.ts";

/** The two flows in which the user types something in: a username and a password, or a token. */
export type FormKind = "password" | "token";

export interface FormConnection {
  provider: string;
  /** The user_id the connection gets (a flow's); a new one when absent. */
  userId?: string;
  referenceId: string | null;
  developerId: string | null;
}

export interface FormFields {
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}

/**
 * What a user types to connect — the widget's form or the operator's `connect --token` / `--username
 * --password` — through the auth service: the password is sent to the provider's token endpoint once
 * and forgotten, a token is checked with the spec's account request, and what the provider gives back
 * is stored encrypted with the new connection.
 */
export function connectWithForm(auth: AuthService, form: FormKind, who: FormConnection, fields: FormFields): Promise<AuthOutcome> {
  return form === "password"
    ? auth.connectWithPassword({ ...who, username: fields.username ?? "", password: fields.password ?? "" })
    : auth.connectWithToken({ ...who, token: fields.token ?? "" });
}
