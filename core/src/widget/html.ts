import { DEFAULT_LANGUAGE } from "./messages.ts";

/** Text for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The path the stylesheet is served at. */
export const WIDGET_STYLE_PATH = "/widget/assets/style.css";

/**
 * No script, no framing (Terra's widget must not run in an iframe: clickjacking), images only from
 * data: and https: (provider icons). Forms may post to us and be redirected on to a provider.
 */
export const WIDGET_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data: https:; base-uri 'none'; frame-ancestors 'none'";

/** A whole connect page: the document, its title, the main region and a footer. */
export function page(input: { lang?: string; title: string; body: string; footer?: string }): string {
  return (
    `<!doctype html><html lang="${escapeHtml(input.lang ?? DEFAULT_LANGUAGE)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">` +
    `<title>${escapeHtml(input.title)}</title><link rel="stylesheet" href="${WIDGET_STYLE_PATH}"></head>` +
    `<body><main id="main">${input.body}${input.footer ? `<footer>${escapeHtml(input.footer)}</footer>` : ""}</main></body></html>`
  );
}
