import { Profile } from "@garmin/fitsdk";
import type { DeviceData } from "@tributary/schemas";

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** FIT manufacturer names (the Profile's camelCase) by their normalised form, plus the names people use. */
const manufacturers = new Map<string, string>();
for (const name of Object.values(Profile.types.manufacturer ?? {})) if (typeof name === "string") manufacturers.set(normalise(name), name);
const ALIASES: Record<string, string> = { wahoo: "wahooFitness", polar: "polarElectro", stages: "stagesCycling", coros: "coros" };
/** How a FIT manufacturer reads in a Terra device_data.manufacturer, where it differs from its words. */
const DISPLAY: Record<string, string> = { wahooFitness: "Wahoo", polarElectro: "Polar", stagesCycling: "Stages", zwiftByte: "Zwift", corosByte: "Coros" };

/** The FIT manufacturer for a Terra device manufacturer, or `development` for one FIT does not list. */
export function fitManufacturer(name: string | null | undefined): string {
  if (!name) return "development";
  const key = normalise(name);
  return manufacturers.get(key) ?? ALIASES[key] ?? "development";
}

/** A FIT manufacturer as a Terra device manufacturer: "garmin" → "Garmin", "wahooFitness" → "Wahoo". */
export function terraManufacturer(fit: unknown): string | undefined {
  if (typeof fit !== "string" || fit === "development") return undefined;
  if (DISPLAY[fit]) return DISPLAY[fit];
  const words = fit.replace(/([a-z])([A-Z0-9])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A Terra serial number FIT can hold (a uint32z), else undefined. */
export function fitSerialNumber(serial: string | null | undefined): number | undefined {
  if (!serial || !/^\d{1,10}$/.test(serial)) return undefined;
  const value = Number(serial);
  return value > 0 && value < 0xffffffff ? value : undefined;
}

/** "4.21" → 4.21 (FIT keeps software versions in hundredths); a version like "4.2.1" has no FIT form. */
export function fitSoftwareVersion(version: string | null | undefined): number | undefined {
  if (!version || !/^\d{1,3}(\.\d{1,2})?$/.test(version)) return undefined;
  return Number(version);
}

export function fitHardwareVersion(version: string | null | undefined): number | undefined {
  if (!version || !/^\d{1,3}$/.test(version)) return undefined;
  const value = Number(version);
  return value < 0xff ? value : undefined;
}

/** FNV-1a: a stable 32-bit file serial for an activity whose device has no numeric one. */
export function stableSerial(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash === 0 || hash === 0xffffffff ? 1 : hash;
}

export type { DeviceData };
