import { describe, expect, it } from "vitest";
import { isExpiring, scopeList, storedTokensFrom } from "../../src/auth/stored-tokens.ts";
import type { TokenResponse } from "../../src/auth/token-endpoint.ts";

const at = 1_700_000_000_000;
const response = (fields: Record<string, unknown>) => ({ access_token: "at", token_type: "bearer", ...fields }) as TokenResponse;

describe("stored tokens", () => {
  it("lifts the secrets out of the raw answer and computes the expiry from expires_in", () => {
    const stored = storedTokensFrom("oauth2", response({ refresh_token: "rt", expires_in: 3600, scope: "a b", id_token: "x", user_id: "GGNJL9" }), at);
    expect(stored).toEqual({
      auth_type: "oauth2",
      access_token: "at",
      refresh_token: "rt",
      token_type: "bearer",
      expires_at: at + 3_600_000,
      scope: "a b",
      obtained_at: at,
      raw: { expires_in: 3600, user_id: "GGNJL9" },
    });
  });

  it("reads an absolute expires_at in seconds or milliseconds when expires_in is missing", () => {
    expect(storedTokensFrom("oauth2", response({ expires_at: 1_700_021_600 }), at).expires_at).toBe(1_700_021_600_000);
    expect(storedTokensFrom("oauth2", response({ expires_at: 1_700_021_600_000 }), at).expires_at).toBe(1_700_021_600_000);
    expect(storedTokensFrom("oauth2", response({ expires_in: 60, expires_at: 1 }), at).expires_at).toBe(at + 60_000);
    expect(storedTokensFrom("oauth2", response({}), at)).not.toHaveProperty("expires_at");
  });

  it("keeps what a refresh answer leaves out: the reusable refresh token, scope and the first answer's extras", () => {
    const first = storedTokensFrom("oauth2", response({ refresh_token: "rt-1", scope: "read", athlete: { id: 1 } }), at);
    const refreshed = storedTokensFrom("oauth2", response({ access_token: "at-2", expires_in: 60 }), at + 1000, first);
    expect(refreshed).toMatchObject({ access_token: "at-2", refresh_token: "rt-1", scope: "read", raw: { athlete: { id: 1 }, expires_in: 60 } });
    const rotated = storedTokensFrom("oauth2", response({ access_token: "at-3", refresh_token: "rt-2" }), at + 2000, refreshed);
    expect(rotated.refresh_token).toBe("rt-2");
  });

  it("is expiring within the buffer, never without an expiry", () => {
    const tokens = storedTokensFrom("oauth2", response({ expires_in: 600 }), at);
    expect(isExpiring(tokens, 300_000, at)).toBe(false);
    expect(isExpiring(tokens, 300_000, at + 300_000)).toBe(true);
    expect(isExpiring(storedTokensFrom("oauth2", response({}), at), 300_000, at + 10 ** 12)).toBe(false);
    // A token that lives 2 minutes is not "expiring" for its first minute, whatever the buffer.
    const short = storedTokensFrom("oauth2", response({ expires_in: 120 }), at);
    expect(isExpiring(short, 300_000, at + 59_000)).toBe(false);
    expect(isExpiring(short, 300_000, at + 60_000)).toBe(true);
  });

  it("turns space- or comma-separated scopes into a list", () => {
    expect(scopeList("read,activity:read_all")).toEqual(["read", "activity:read_all"]);
    expect(scopeList("offline read:recovery  read:sleep")).toEqual(["offline", "read:recovery", "read:sleep"]);
    expect(scopeList(" , ")).toBeUndefined();
    expect(scopeList(undefined)).toBeUndefined();
  });
});
