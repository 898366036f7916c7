export interface FirestoreOptions {
  /** Google Cloud project holding the database. */
  projectId: string;
  /** Named database. @default "(default)" */
  databaseId?: string;
  /** Root collection: documents live at `<root>/2022-03-16/<type>/<doc>`. @default "terra" */
  root?: string;
  /** `host:port` of a Firestore emulator: plaintext gRPC, no credentials. */
  host?: string;
  /** Service-account key fields; without them (and without keyFilename) Application Default Credentials are used. */
  credentials?: { client_email: string; private_key: string };
  /** Path to a service-account key JSON file. */
  keyFilename?: string;
}

export const firestoreOptionsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["projectId"],
  properties: {
    projectId: { type: "string", minLength: 1 },
    databaseId: { type: "string", minLength: 1, default: "(default)" },
    root: { type: "string", minLength: 1, maxLength: 100, pattern: "^[^/]+$", default: "terra", description: "Root collection id." },
    host: { type: "string", pattern: "^[^/:]+:\\d+$", description: "Emulator host:port (disables TLS and auth)." },
    credentials: {
      type: "object",
      additionalProperties: true,
      required: ["client_email", "private_key"],
      properties: { client_email: { type: "string", minLength: 1 }, private_key: { type: "string", minLength: 1 } },
    },
    keyFilename: { type: "string", minLength: 1 },
  },
  not: { required: ["credentials", "keyFilename"] },
} as const;
