import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { SpecFinding } from "./spec-finding.ts";

const MAX_ICON_BYTES = 256 * 1024;
/** What must not be in an icon shown on the connect page: it is a drawing, not a document that runs code. */
const ACTIVE_CONTENT = /<script\b|<foreignObject\b|\son[a-z]+\s*=|javascript:/i;

/**
 * The spec's icon: an SVG file inside the connector's folder (a partner's spec may not point elsewhere
 * on the machine), an https URL, or an SVG data URL.
 */
export function checkIcon(icon: string | undefined, dir: string | undefined): SpecFinding[] {
  if (icon === undefined) return [];
  const problem = (message: string): SpecFinding[] => [{ path: ["icon"], message }];
  if (/^https:\/\//i.test(icon)) return [];
  if (/^data:/i.test(icon)) return /^data:image\/svg\+xml[;,]/i.test(icon) ? [] : problem("a data URL icon must be an SVG (data:image/svg+xml,…)");
  if (/^[a-z][a-z0-9+.-]*:/i.test(icon)) return problem(`expected an SVG file beside the spec, an https URL or an SVG data URL, got ${JSON.stringify(icon)}`);
  if (dir === undefined) return problem(`${JSON.stringify(icon)} is a file, and the connector's folder is not known — pass dir to defineConnector`);
  if (isAbsolute(icon)) return problem(`expected a path relative to the connector's folder, got ${JSON.stringify(icon)}`);
  const file = resolve(dir, icon);
  const inside = relative(dir, file);
  if (inside.startsWith("..") || isAbsolute(inside))
    return problem(`${JSON.stringify(icon)} is outside the connector's folder — keep the icon beside the spec`);
  if (!/\.svg$/i.test(icon)) return problem(`expected an SVG file (.svg), got ${JSON.stringify(icon)}`);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return problem(`${JSON.stringify(icon)} is not a file`);
    size = stat.size;
  } catch {
    return problem(`${JSON.stringify(icon)} does not exist in ${dir}`);
  }
  if (size > MAX_ICON_BYTES) return problem(`${JSON.stringify(icon)} is ${Math.ceil(size / 1024)} KiB; an icon must be at most ${MAX_ICON_BYTES / 1024} KiB`);
  const text = readFileSync(file, "utf8");
  if (!/<svg[\s>]/i.test(text)) return problem(`${JSON.stringify(icon)} is not an SVG image (no <svg> element)`);
  if (ACTIVE_CONTENT.test(text))
    return problem(
      `${JSON.stringify(icon)} contains scripting (<script>, <foreignObject>, on…= handlers or javascript: links); the connect page shows icons, so they must be plain drawings`,
    );
  return [];
}

/** Where a definition's icon is: an absolute file path, or the URL as written. */
export function iconLocation(icon: string | undefined, dir: string | undefined): string | undefined {
  if (icon === undefined) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(icon) || dir === undefined) return icon;
  return resolve(dir, icon);
}
