import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { urlRefused } from "./errors.ts";

/**
 * Which URLs the provider client may request. Relative paths hang below the base URL; absolute URLs
 * (next-page links, file links, URLs in pushes) must be on the base URL's origin or an allowed origin —
 * anything else is refused before a connection is made (SSRF: a forged push or a hostile answer must
 * not make us send the user's token, or anything, to a host of its choosing).
 *
 * When the operator overrides the base URL (a mock, a proxy), absolute URLs on the spec's own base are
 * moved onto the override, so a provider's next links keep going through it.
 */
export interface OriginPolicy {
  readonly baseUrl: URL;
  /** A path below the base URL, or an absolute URL on an allowed origin; `relativeTo` resolves relative links. */
  resolve(pathOrUrl: string, relativeTo?: URL): URL;
  allows(url: URL): boolean;
}

export interface OriginPolicyOptions {
  provider: string;
  /** The spec's base URL (rendered). */
  specBaseUrl: string;
  /** The operator's `providers.<NAME>.baseUrl`. */
  overrideBaseUrl?: string | undefined;
  allowedOrigins?: readonly string[] | undefined;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const specBase = parseBase(options.specBaseUrl, `the ${options.provider} connector's http.baseUrl`);
  const base = options.overrideBaseUrl ? parseBase(options.overrideBaseUrl, `providers.${options.provider}.baseUrl`) : specBase;
  const origins = new Set<string>([base.origin]);
  for (const origin of options.allowedOrigins ?? []) origins.add(parseOrigin(origin, options.provider));
  const specPrefix = withoutTrailingSlash(specBase.href);
  const basePrefix = withoutTrailingSlash(base.href);

  const allows = (url: URL) => (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "" && origins.has(url.origin);

  const rebase = (url: URL): URL => {
    if (base === specBase || url.origin !== specBase.origin) return url;
    const href = url.href;
    if (href === specPrefix || href.startsWith(`${specPrefix}/`) || href.startsWith(`${specPrefix}?`))
      return new URL(basePrefix + href.slice(specPrefix.length));
    return new URL(url.pathname + url.search, base.origin);
  };

  return {
    baseUrl: base,
    allows,
    resolve(pathOrUrl, relativeTo) {
      let url: URL;
      try {
        if (ABSOLUTE.test(pathOrUrl) || pathOrUrl.startsWith("//")) url = new URL(pathOrUrl, base);
        else if (relativeTo) url = new URL(pathOrUrl, relativeTo);
        else url = new URL(`${basePrefix}/${pathOrUrl.replace(/^\/+/, "")}`);
      } catch {
        throw urlRefused(`${options.provider}: ${JSON.stringify(truncate(pathOrUrl))} is not a URL`);
      }
      url = rebase(url);
      if (!allows(url)) {
        throw urlRefused(
          `${options.provider}: refused to request ${url.protocol}//${url.host} — not the provider's base URL origin nor one of its allowed origins`,
          {
            details: { origin: url.origin },
          },
        );
      }
      return url;
    },
  };
}

function parseBase(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${what} ${JSON.stringify(value)} is not an absolute URL`, { hint: "Write it as https://host[/path]." });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UserError(ErrorCodes.SPEC_INVALID, `${what} must be an http(s) URL, not ${url.protocol}`, { hint: "Write it as https://host[/path]." });
  }
  url.search = "";
  url.hash = "";
  return url;
}

function parseOrigin(value: string, provider: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
  } catch {
    // reported below
  }
  throw new UserError(ErrorCodes.SPEC_INVALID, `${provider}: http.allowedOrigins entry ${JSON.stringify(value)} is not an http(s) origin`, {
    hint: 'Write origins as "https://host" (with ":port" when not the default).',
  });
}

const withoutTrailingSlash = (href: string) => href.replace(/\/+$/, "");
const truncate = (text: string) => (text.length > 120 ? `${text.slice(0, 120)}…` : text);
