/**
 * Drives a mock provider's consent page the way a user's browser would, over plain HTTP: load the page,
 * submit its form with a login and a decision, and return where the provider redirects (the client's
 * callback with `code` and `state`, or `error=access_denied`).
 */
export type ConsentLogin = { username: string; password: string } | { user: string | number } | Record<string, never>;

export interface ConsentOutcome {
  /** The redirect back to the client, or undefined when the page answered instead (an error, a refused login). */
  location?: string;
  status: number;
  /** The page's HTML when there was no redirect. */
  page?: string;
}

export async function submitConsent(authorizeUrl: string, decision: "approve" | "deny", login: ConsentLogin = {}): Promise<ConsentOutcome> {
  const pageResponse = await fetch(authorizeUrl, { redirect: "manual" });
  const location = pageResponse.headers.get("location");
  if (location) return { location, status: pageResponse.status };
  const page = await pageResponse.text();
  if (pageResponse.status !== 200) return { status: pageResponse.status, page };
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(page);
  if (!form) throw new Error(`the consent page has no form:\n${page}`);
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? "").matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(unescapeHtml(input[1] ?? ""), unescapeHtml(input[2] ?? ""));
  }
  for (const [name, value] of Object.entries(login)) fields.set(name, String(value));
  if (!("user" in login) && !("username" in login)) {
    const first = /<option value="([^"]*)">/.exec(page);
    if (first) fields.set("user", unescapeHtml(first[1] ?? ""));
  }
  fields.set("decision", decision);
  const action = new URL(unescapeHtml(form[1] ?? ""), authorizeUrl);
  const response = await fetch(action, { method: "POST", body: fields, redirect: "manual" });
  const redirect = response.headers.get("location");
  if (redirect) return { location: redirect, status: response.status };
  return { status: response.status, page: await response.text() };
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[name] ?? "");
}
