/** The sandbox provider's own sport vocabulary (what its API would send); mapped to ActivityType codes. */
export const SANDBOX_SPORTS = ["run", "ride", "indoor_ride", "walk", "swim", "strength"] as const;
export type SandboxSport = (typeof SANDBOX_SPORTS)[number];

/** Sports recorded outdoors with GPS. */
export const OUTDOOR_SPORTS: ReadonlySet<SandboxSport> = new Set(["run", "ride", "walk"]);
