/**
 * Plugins loaded when the operator's config does not list its own: module specifiers, resolved from the
 * workspace root, so core still depends on none of them. Every provider connector is built in, as a
 * Terra-like service offers them all; one whose OAuth client is not configured is loaded but neither
 * offered to users (widget, /v2/integrations) nor scheduled (`unavailableReason`), and `tributary check`
 * says so.
 */
export const BUILTIN_PLUGINS = [
  "@tributary/connector-sandbox",
  "@tributary/connector-insiders",
  "@tributary/connector-peloton",
  "@tributary/connector-xert",
  "@tributary/connector-strava",
  "@tributary/connector-fitbit",
  "@tributary/connector-oura",
  "@tributary/connector-whoop",
  "@tributary/connector-garmin",
  "@tributary/connector-withings",
  "@tributary/connector-polar",
  "@tributary/connector-wahoo",
  "@tributary/destination-webhook",
  "@tributary/destination-sql",
  "@tributary/destination-mongodb",
  "@tributary/destination-firestore",
  "@tributary/destination-s3",
  "@tributary/destination-sqs",
] as const;

const DESTINATION_PACKAGE_PREFIX = "@tributary/destination-";

export const builtinDestinationPackage = (type: string): string => `${DESTINATION_PACKAGE_PREFIX}${type}`;

export const isBuiltinDestinationPackage = (specifier: string): boolean =>
  specifier.startsWith(DESTINATION_PACKAGE_PREFIX) && (BUILTIN_PLUGINS as readonly string[]).includes(specifier);

/** The destination types the listed plugins would provide, whether or not they are loaded yet. */
export const builtinDestinationTypes = (plugins: readonly string[]): string[] =>
  plugins.filter(isBuiltinDestinationPackage).map((specifier) => specifier.slice(DESTINATION_PACKAGE_PREFIX.length));
