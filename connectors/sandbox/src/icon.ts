/** The SANDBOX provider's icon: a small SVG inlined as a data URL, so it shows offline. */
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b6e4f"/>' +
  '<path d="M10 40c8-10 14-10 22 0s14 10 22 0" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round"/>' +
  '<path d="M10 26c8-10 14-10 22 0s14 10 22 0" fill="none" stroke="#9fe3c6" stroke-width="5" stroke-linecap="round"/></svg>';

export const SANDBOX_ICON = `data:image/svg+xml;base64,${Buffer.from(SVG).toString("base64")}`;
