/** Plain-ASCII names so generated e-mail addresses need no transliteration. */
export const FEMALE_FIRST_NAMES = [
  "Amara", "Beatriz", "Chloe", "Dana", "Elena", "Freya", "Grace", "Hana", "Ingrid", "Julia",
  "Kiri", "Leila", "Maya", "Nadia", "Olivia", "Priya", "Rosa", "Sofia", "Tamsin", "Yuki",
] as const;

export const MALE_FIRST_NAMES = [
  "Aarav", "Bruno", "Callum", "Diego", "Emil", "Felix", "Gabriel", "Hugo", "Ibrahim", "Jonas",
  "Kenji", "Liam", "Mateo", "Nikhil", "Oscar", "Pablo", "Rafael", "Samuel", "Tomas", "Wei",
] as const;

export const LAST_NAMES = [
  "Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
  "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi", "Santos", "Tanaka",
  "Umar", "Varga", "Walker", "Yilmaz", "Zhang",
] as const;
