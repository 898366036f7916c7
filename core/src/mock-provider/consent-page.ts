import type { MockUser } from "./parties.ts";

export interface ConsentPageInput {
  providerName: string;
  clientId: string;
  scopes: string[];
  /** The authorization request's parameters, carried to the decision as hidden fields. */
  params: Record<string, string>;
  action: string;
  users: readonly MockUser[];
  error?: string;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/**
 * The provider's login-and-consent page: who is asking for what, a login (username and password when
 * the mock's users have passwords, else a choice of account), and Approve / Deny. Plain HTML forms, so a
 * browser test and a plain HTTP client drive it the same way.
 */
export function consentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n      ");
  const withPasswords = input.users.some((user) => user.password !== undefined);
  const login = withPasswords
    ? `<label>Username <input name="username" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>`
    : `<label>Account <select name="user">${input.users
        .map((user) => `<option value="${escapeHtml(String(user.id))}">${escapeHtml(user.username ?? String(user.id))}</option>`)
        .join("")}</select></label>`;
  const scopes = input.scopes.length > 0 ? `<ul>${input.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>` : "<p>No particular scope.</p>";
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${escapeHtml(input.providerName)} — authorize ${escapeHtml(input.clientId)}</title></head>
  <body>
    <h1>${escapeHtml(input.providerName)}</h1>
    <p><strong>${escapeHtml(input.clientId)}</strong> asks to access your data:</p>
    ${scopes}
    ${input.error ? `<p role="alert">${escapeHtml(input.error)}</p>` : ""}
    <form method="post" action="${escapeHtml(input.action)}">
      ${hidden}
      ${login}
      <button type="submit" name="decision" value="approve">Approve</button>
      <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
    </form>
  </body>
</html>
`;
}
