import { readFileSync } from "node:fs";
import { iconLocation } from "../spec/icon.ts";

/**
 * The icon as the connect page and the integrations list show it: an https or data URL as written, an
 * SVG file of the connector's folder inlined as a data URL (the spec check already made sure it is a
 * small, script-free SVG inside the folder), so no machine path ever leaves the server.
 */
export function connectorIcon(icon: string | undefined, dir: string | undefined): string | undefined {
  const location = iconLocation(icon, dir);
  if (location === undefined || /^[a-z][a-z0-9+.-]*:/i.test(location)) return location;
  try {
    return `data:image/svg+xml;base64,${readFileSync(location).toString("base64")}`;
  } catch {
    return undefined;
  }
}
