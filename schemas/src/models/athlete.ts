import type { Static } from "@sinclair/typebox";
import { dateOrDateTime, document, int, optionalNullable, str } from "../typebox.ts";

/** The user's profile at the provider; one per user, the latest delivery wins. */
export const AthleteSchema = document("Athlete", "athlete", {
  age: int(),
  country: str(),
  bio: str(),
  state: str(),
  last_name: str(),
  sex: str(),
  city: str(),
  email: str(),
  date_of_birth: optionalNullable(dateOrDateTime()),
  first_name: str(),
  gender: str(),
  account_creation_date: optionalNullable(dateOrDateTime()),
  /** The provider's own account id; the quickest way to debug "wrong account connected". */
  provider_user_id: str(),
});
export type Athlete = Static<typeof AthleteSchema>;
