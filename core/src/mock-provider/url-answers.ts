import type { MockUser } from "./parties.ts";
import { userKey } from "./parties.ts";

/**
 * What the provider answers at a URL a push names (Garmin's ping `callbackURL`), a request no stream of
 * the spec describes. Matched like a recording: the path, and every query parameter the answer names;
 * with `user`, only for that user's token.
 */
export interface UrlAnswer {
  path: string;
  query?: Readonly<Record<string, string>>;
  /** The provider user id whose token may fetch it. @default any user */
  user?: string;
  /** @default 200 */
  status?: number;
  /** The answer, as JSON. */
  body?: unknown;
  /** Instead of body: the answer's bytes (a file), base64; sent as application/octet-stream. */
  bodyBase64?: string;
}

/** The answers whose path and named query parameters the URL has (any user yet). */
export function urlAnswersFor(answers: readonly UrlAnswer[], url: URL): UrlAnswer[] {
  const path = decodeURIComponent(url.pathname);
  return answers.filter(
    (answer) => answer.path === path && Object.entries(answer.query ?? {}).every(([name, value]) => url.searchParams.get(name) === String(value)),
  );
}

/** Among the URL's answers, the one the user's token may fetch: the most specific (most query parameters named) first. */
export function urlAnswerOf(candidates: readonly UrlAnswer[], user: MockUser | undefined): UrlAnswer | undefined {
  return [...candidates]
    .filter((answer) => answer.user === undefined || (user !== undefined && answer.user === userKey(user)))
    .sort((a, b) => Object.keys(b.query ?? {}).length - Object.keys(a.query ?? {}).length)[0];
}
