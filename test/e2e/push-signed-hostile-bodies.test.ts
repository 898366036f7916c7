import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledged, PUSHES, startPushDoor, type PushDoor } from "./push-door.ts";

/** The key of each provider's push that names the user (in whichever object of the push holds it). */
const USER_KEY: Record<string, string> = {
  FITBIT: "ownerId",
  POLAR: "user_id",
  OURA: "user_id",
  WHOOP: "user_id",
  WAHOO: "id",
  STRAVA: "owner_id",
  GARMIN: "userId",
  INSIDERS: "user_id",
};
const DEPTH = 10_000;

/**
 * Hostile content under a valid signature: the body is the provider's push, signed with the right secret,
 * with one thing changed in the object that names the user — as JSON text, so keys JSON.parse would treat
 * specially reach the door as sent. A body no one may read (`body`) is 400, or 401 where the proof itself
 * is read from the body (Wahoo's token, Strava's subscription id): unproven, then.
 */
const PROOF_IN_BODY = new Set(["WAHOO", "STRAVA"]);
const HOSTILE: Array<{ what: string; change: (json: string, key: string, user: string) => string; status: number; body?: true }> = [
  { what: "a __proto__ key", change: (json, key) => json.replace(`"${key}":`, `"__proto__":{"polluted":"yes"},"${key}":`), status: 400, body: true },
  {
    what: "a constructor.prototype key",
    change: (json, key) => json.replace(`"${key}":`, `"constructor":{"prototype":{"polluted":"yes"}},"${key}":`),
    status: 400,
    body: true,
  },
  {
    what: `nesting ${DEPTH} deep`,
    change: (json, key) => json.replace(`"${key}":`, `"deep":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)},"${key}":`),
    status: 400,
    body: true,
  },
  { what: "a user id of 1e400 (Infinity once parsed)", change: (json, key, user) => userAs(json, key, user, "1e400"), status: 400 },
  { what: "a user id of 33 digits", change: (json, key, user) => userAs(json, key, user, "123456789012345678901234567890123"), status: 200 },
  { what: "a user id that is an object", change: (json, key, user) => userAs(json, key, user, `{"id":"${user}"}`), status: 400 },
  { what: "a user id that is a list", change: (json, key, user) => userAs(json, key, user, `["${user}"]`), status: 400 },
  { what: "a user id that is true", change: (json, key, user) => userAs(json, key, user, "true"), status: 400 },
  { what: "a user id that is null", change: (json, key, user) => userAs(json, key, user, "null"), status: 400 },
  { what: "a user id of 100,000 characters", change: (json, key, user) => userAs(json, key, user, `"${"9".repeat(100_000)}"`), status: 400 },
];

/** The push with its user id (a number or a text in the provider's push) replaced by `value`, as JSON text. */
function userAs(json: string, key: string, user: string, value: string): string {
  const changed = json.replace(`"${key}":"${user}"`, `"${key}":${value}`).replace(`"${key}":${user}`, `"${key}":${value}`);
  if (changed === json) throw new Error(`no "${key}" naming ${user} in ${json}`);
  return changed;
}

describe("signed pushes with hostile content — every shipped connector that takes pushes", () => {
  let door: PushDoor;

  beforeAll(async () => {
    door = await startPushDoor("hostile");
  }, 90_000);
  afterAll(async () => {
    await door?.close();
  });

  const cases = Object.keys(USER_KEY).flatMap((provider) =>
    HOSTILE.map((hostile) => ({
      provider,
      ...hostile,
      status: hostile.body && PROOF_IN_BODY.has(provider) ? 401 : hostile.status === 200 ? acknowledged(provider) : hostile.status,
    })),
  );

  it.each(cases)("$provider, $what: answered $status with a valid signature, nothing queued, no prototype touched", async ({ provider, change, status }) => {
    // Signed as sent, then changed: Wahoo's proof is the token inside the body, which the change keeps;
    // the others are signed again over the changed body.
    const sent = door.sign(provider, PUSHES[provider]!(door.user));
    const json = change(sent.body.toString("utf8"), USER_KEY[provider]!, door.user);
    const push = provider === "WAHOO" ? { ...sent, body: Buffer.from(json) } : door.sign(provider, Buffer.from(json));
    const answer = await door.send(provider, push);
    expect(answer.status, answer.body.slice(0, 300)).toBe(status);
    // Refused, or (an id no account has) acknowledged and dropped: nothing queued either way.
    expect(await answer.enqueued()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  // Withings posts a form: its hostile spellings are form fields.
  it.each([
    { what: "a __proto__ field", form: (user: string) => `userid=${user}&appli=1&__proto__=1`, status: 400 },
    // Brackets mean nothing in a form: a field of that literal name, kept as text.
    { what: "a __proto__[polluted] field", form: (user: string) => `userid=${user}&appli=1&__proto__[polluted]=yes`, status: 200 },
    { what: "a constructor[prototype] field", form: (user: string) => `userid=${user}&appli=1&constructor[prototype][polluted]=yes`, status: 200 },
    { what: "the user id twice", form: (user: string) => `userid=${user}&userid=${user}1&appli=1`, status: 400 },
    { what: "a user id of 100,000 characters", form: () => `userid=${"9".repeat(100_000)}&appli=1`, status: 400 },
    { what: "no user id", form: () => "appli=1&startdate=1775000000", status: 400 },
  ])("WITHINGS, $what: answered $status, nothing queued for a user it does not name, no prototype touched", async ({ form, status }) => {
    const answer = await door.send("WITHINGS", door.sign("WITHINGS", Buffer.from(form(door.user))));
    expect(answer.status, answer.body.slice(0, 300)).toBe(status);
    const enqueued = await answer.enqueued();
    expect(enqueued.filter((notification) => notification.providerUserId !== door.user)).toEqual([]);
    expect(enqueued).toHaveLength(status === 200 ? 1 : 0);
    // A form is flat: every field a text, none made an object by its name.
    for (const { notification } of enqueued)
      expect(Object.values(notification as Record<string, unknown>).every((value) => typeof value === "string")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
