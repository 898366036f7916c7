// The hosted connect widget's pages: server-rendered HTML, localized, no client-side script.
export * from "./messages.ts";
export * from "./pages.ts";
export * from "./html.ts";
export * from "./csrf.ts";
export * from "./provider-cards.ts";
export { WIDGET_CSS } from "./widget-style.ts";
