export interface MongoOptions {
  /**
   * Connection string, `mongodb://` or `mongodb+srv://`, with the credentials the server needs.
   * @example "mongodb://tributary:s3cret@db.internal:27017/?authSource=admin"
   */
  url: string;
  /** Database holding the collections. @default "terra" */
  database?: string;
  /** Put in front of every collection name, e.g. "tributary_" gives "tributary_activity". @default "" */
  collectionPrefix?: string;
  /** How long to look for a reachable server before the delivery fails (and is retried). @default 10000 */
  serverSelectionTimeoutMs?: number;
}

export const DEFAULT_DATABASE = "terra";
export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 10_000;

export const mongoOptionsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["url"],
  properties: {
    url: {
      type: "string",
      pattern: "^mongodb(\\+srv)?://",
      description: "MongoDB connection string (mongodb:// or mongodb+srv://), credentials included.",
    },
    database: {
      type: "string",
      minLength: 1,
      maxLength: 63,
      pattern: '^[^/\\\\. "$*<>:|?]+$',
      default: DEFAULT_DATABASE,
      description: "Database holding the collections.",
    },
    collectionPrefix: {
      type: "string",
      maxLength: 64,
      pattern: "^[A-Za-z0-9_.-]*$",
      default: "",
      description: "Put in front of every collection name.",
    },
    serverSelectionTimeoutMs: {
      type: "integer",
      minimum: 100,
      maximum: 300000,
      default: DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
      description: "How long to look for a reachable server before a delivery fails and is retried.",
    },
  },
} as const;
