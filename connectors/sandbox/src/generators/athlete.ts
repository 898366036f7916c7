import { ageOnDay, sandboxProfile } from "../profile/user-profile.ts";
import type { SandboxAthlete } from "../provider/records.ts";
import { isoDate, localDayNumber } from "../time/local-time.ts";

/** The user's profile as the sandbox provider reports it; `ageYears` is as of `asOf`. */
export function generateAthlete(userId: string, asOf: Date): SandboxAthlete {
  const profile = sandboxProfile(userId);
  return {
    id: profile.providerUserId,
    firstName: profile.firstName,
    lastName: profile.lastName,
    email: profile.email,
    sex: profile.sex === "female" ? "F" : "M",
    birthday: isoDate(profile.birthDay),
    ageYears: ageOnDay(profile, localDayNumber(asOf.getTime(), profile.offsetMinutes)),
    city: profile.home.city,
    region: profile.home.state,
    country: profile.home.country,
    bio: profile.bio,
    memberSince: profile.accountCreatedDay * 86_400 + 9 * 3600 - profile.offsetMinutes * 60,
    utcOffsetMinutes: profile.offsetMinutes,
  };
}
