import type { Athlete } from "@tributary/schemas";
import type { SandboxAthlete } from "../provider/records.ts";
import { isoDate, localDayNumber } from "../time/local-time.ts";

/** A sandbox athlete profile → Terra Athlete. */
export function mapAthlete(athlete: SandboxAthlete): Athlete {
  const sex = athlete.sex === "F" ? "female" : "male";
  return {
    provider_user_id: athlete.id,
    first_name: athlete.firstName,
    last_name: athlete.lastName,
    email: athlete.email,
    sex,
    gender: sex,
    age: athlete.ageYears,
    date_of_birth: athlete.birthday,
    bio: athlete.bio,
    city: athlete.city,
    state: athlete.region,
    country: athlete.country,
    account_creation_date: isoDate(localDayNumber(athlete.memberSince * 1000, athlete.utcOffsetMinutes)),
  };
}
