import { readdirSync, readFileSync } from "node:fs";

const FIXTURES = new URL("../../fixtures/", import.meta.url);

export interface Fixture {
  /** File name without ".json", e.g. "activity-pool-swim". */
  name: string;
  value: unknown;
}

function load(kind: "models" | "events"): Fixture[] {
  const dir = new URL(`${kind}/`, FIXTURES);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ name: file.slice(0, -".json".length), value: JSON.parse(readFileSync(new URL(file, dir), "utf8")) as unknown }));
}

export const modelFixtures = (): Fixture[] => load("models");
export const eventFixtures = (): Fixture[] => load("events");

/** A deep copy of a fixture to break on purpose. */
export function fixture<T = Record<string, any>>(kind: "models" | "events", name: string): T {
  return JSON.parse(readFileSync(new URL(`${kind}/${name}.json`, FIXTURES), "utf8")) as T;
}
