import { EVENT_TYPES, type EventType } from "@tributary/schemas";
import { DELIVERY_FORMATS, type DeliveryFormat } from "../contracts/destination.ts";
import { BUILTIN_PLUGINS } from "../registry/builtin-plugins.ts";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "../runtime/delivery-policy.ts";

/*
 * The operator's config file: one JSON Schema (draft 2020-12) that ajv validates and fills defaults from,
 * and the TypeScript shape of the result. The shape is written by hand next to the schema because
 * @sinclair/typebox does not resolve from core (it is a dependency of @tributary/schemas only); keep the
 * two in step — test/config/config-schema.test.ts fails to type-check when their field names differ.
 */

export interface ServerConfig {
  host: string;
  port: number;
  /** Always set after loading: derived from the port when the file leaves it out. */
  publicUrl: string;
  /** Whose address a request comes from behind proxies: false (the peer), true (X-Forwarded-For), or the proxies' addresses. */
  trustProxy: boolean | string[];
  /** Serve /metrics and /admin on this listener instead of the public one. */
  admin?: { host: string; port: number };
  limits: ServerLimits;
  /** Per source address, on the provider webhook routes; max 0 turns it off. */
  rateLimit: { max: number; perSeconds: number; maxRejected: number; maxBytes: number };
}

export interface ServerLimits {
  hookBodyBytes: number;
  notificationsPerRequest: number;
  requestTimeoutSeconds: number;
  headersTimeoutSeconds: number;
}

/**
 * The default developer account (`api:`): a single-developer install declares only this one. It owns
 * every destination no entry of `developers` lists, and the connections made before accounts existed.
 */
export interface ApiConfig {
  devId: string;
  /** Plain keys (hashed when loaded) or `sha256:<hex>` digests of them. */
  apiKeys: string[];
  signingSecret?: string;
  /** Providers this developer offers its users. Default: every enabled provider. */
  providers?: string[];
}

/** A further developer account: its users, data and destinations are its own. */
export interface DeveloperConfig extends ApiConfig {
  /** Destination names (from `destinations`) its data is delivered to, and nobody else's. */
  destinations: string[];
}

export interface ProviderConfig {
  enabled: boolean;
  clientId?: string;
  clientSecret?: string;
  webhookSecret?: string;
  verifyToken?: string;
  pushSecret?: string;
  baseUrl?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  backfillDays?: number;
  pollIntervalSeconds?: number;
  rateLimit?: { max: number; perSeconds: number };
  /** Days without new data after which an active connection is reported stale. */
  staleAfterDays?: number;
  /** Days the parts of a merged record (a day in parts) are kept after the last of them arrived. */
  keepRecordPartsDays?: number;
  options?: Record<string, unknown>;
}

/** The `delivery` block is the runtime's delivery policy, field for field. */
export type DeliveryConfig = DeliveryPolicy;

export interface DestinationConfig {
  name: string;
  type: string;
  enabled: boolean;
  events: EventType[];
  format: DeliveryFormat;
  /** At most `max` deliveries per `perSeconds` to this destination, across every worker. */
  rateLimit?: { max: number; perSeconds: number };
  options: Record<string, unknown>;
}

export interface TributaryConfig {
  server: ServerConfig;
  redis: { url: string; cluster?: string[]; startupTimeoutSeconds: number };
  database: { url: string; schema?: string };
  dataDir: string;
  encryptionKey: string;
  api?: ApiConfig;
  developers: DeveloperConfig[];
  plugins: string[];
  providers: Record<string, ProviderConfig>;
  delivery: DeliveryConfig;
  destinations: DestinationConfig[];
}

export const CONFIG_SCHEMA_ID = "https://tributary.dev/schemas/config.json";

const positiveInteger = (description: string, defaultValue?: number) => ({
  type: "integer",
  minimum: 1,
  description,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});

const secret = (description: string) => ({ type: "string", description });

const providerName = { type: "string", pattern: "^[A-Z][A-Z0-9_]*$" } as const;

/** What the default developer (`api:`) and every entry of `developers:` declare alike. */
const developerProperties = {
  devId: {
    type: "string",
    pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
    description: "Value clients send in the dev-id header, as with Terra (letters, digits, '.', '_' or '-').",
  },
  apiKeys: {
    type: "array",
    minItems: 1,
    items: { type: "string", minLength: 16 },
    description:
      "x-api-key values accepted for this developer: a key of at least 16 characters (hashed when loaded), or its digest `sha256:<64 hex>` (`tributary api-key` makes both). List several while rotating.",
  },
  signingSecret: {
    type: "string",
    minLength: 1,
    description: "Secret the webhook payloads of this developer are signed with (terra-signature), for its destinations that set none.",
  },
  providers: {
    type: "array",
    uniqueItems: true,
    items: providerName,
    description: "Providers this developer offers its users (upper case, as Terra spells them). Default: every enabled provider.",
  },
} as const;

const providerSchema = {
  type: "object",
  description: "One provider's client credentials and overrides of the connector's own defaults.",
  additionalProperties: false,
  properties: {
    enabled: { type: "boolean", default: true, description: "false keeps the credentials but offers no connection to end users." },
    clientId: { type: "string", minLength: 1, description: "OAuth client id issued by the provider." },
    clientSecret: secret("OAuth client secret issued by the provider."),
    webhookSecret: secret("Secret the provider signs its push webhooks with."),
    verifyToken: secret("Token the provider echoes when it verifies a webhook subscription (Strava, Fitbit)."),
    pushSecret: secret("Shared HMAC secret of a partner push integration (and of the SANDBOX provider)."),
    baseUrl: {
      type: "string",
      minLength: 1,
      description: "Replaces the provider's API base URL, e.g. to point a connector at its mock for a demo.",
    },
    authorizeUrl: {
      type: "string",
      minLength: 1,
      description: "Replaces the connector's OAuth consent page URL (with baseUrl, points a connector at its mock).",
    },
    tokenUrl: { type: "string", minLength: 1, description: "Replaces the connector's OAuth token endpoint URL." },
    refreshUrl: { type: "string", minLength: 1, description: "Replaces the connector's OAuth refresh endpoint URL (default: the token endpoint)." },
    backfillDays: positiveInteger("Days of history pulled when a user connects. Default: the connector's (usually 28)."),
    pollIntervalSeconds: positiveInteger("Seconds between scheduled pulls. Default: the connector's."),
    staleAfterDays: positiveInteger(
      "Days without new data after which an active connection is reported stale (connection_stale event, tributary_stale_connections metric). Default: 3 for providers with daily data, none for the others.",
    ),
    keepRecordPartsDays: positiveInteger(
      "Days the parts of a record several provider records make (a Garmin day: summary, epochs, user metrics) are kept after the last of them arrived, so a late part still joins the others; older ones are removed by the hourly sweep. Default: the backfill days plus 14.",
    ),
    rateLimit: {
      type: "object",
      description: "Request budget for this OAuth client, all users together. Default: the provider's documented limit.",
      additionalProperties: false,
      required: ["max", "perSeconds"],
      properties: {
        max: positiveInteger("Requests allowed per window."),
        perSeconds: positiveInteger("Window length in seconds."),
      },
    },
    options: { type: "object", description: "Connector-specific settings, documented by each connector." },
  },
} as const;

const destinationSchema = {
  type: "object",
  description: "One destination instance: a plugin, its options and the event types it receives.",
  additionalProperties: false,
  required: ["name", "type"],
  properties: {
    name: {
      type: "string",
      pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
      description: "Unique instance name (letters, digits, '.', '_' or '-', at most 64), used in logs, queues and `check`.",
    },
    type: {
      type: "string",
      minLength: 1,
      description: "Destination plugin name: webhook, sql, mongodb, firestore, s3, sqs or one from a listed plugin.",
    },
    enabled: { type: "boolean", default: true, description: "false keeps the entry but delivers nothing to it." },
    events: {
      type: "array",
      uniqueItems: true,
      items: { enum: [...EVENT_TYPES] },
      default: [...EVENT_TYPES],
      description: "Webhook event types delivered to this destination. Default: all of them.",
    },
    format: {
      enum: [...DELIVERY_FORMATS],
      default: "terra",
      description:
        "How activity events are delivered: terra (Terra Standard JSON), fit (one FIT activity file per activity) or both. Other events are always JSON. Only s3 and webhook destinations take fit or both.",
    },
    rateLimit: {
      type: "object",
      description: "Most deliveries this destination receives per window, all workers together, so a long backfill never floods it. Default: no limit.",
      additionalProperties: false,
      required: ["max", "perSeconds"],
      properties: {
        max: positiveInteger("Deliveries allowed per window."),
        perSeconds: positiveInteger("Window length in seconds."),
      },
    },
    options: {
      type: "object",
      default: {},
      description:
        "The plugin's own options, validated against its optionsSchema. A `signingSecret` option the plugin knows and the file leaves out is taken from the signingSecret of the developer the destination belongs to.",
    },
  },
} as const;

/** JSON Schema of the operator's config file (tributary.yaml). */
export const CONFIG_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: CONFIG_SCHEMA_ID,
  title: "Tributary configuration",
  description: "The operator's config file. Values may use ${VAR} or ${VAR:-default} for environment variables; $${...} writes a literal ${...}.",
  type: "object",
  additionalProperties: false,
  properties: {
    server: {
      type: "object",
      description: "The HTTP server: REST API, connect widget and provider webhooks.",
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: "string", minLength: 1, default: "127.0.0.1", description: "Interface to listen on; 0.0.0.0 for all." },
        port: { type: "integer", minimum: 0, maximum: 65535, default: 3000, description: "TCP port to listen on." },
        publicUrl: {
          type: "string",
          format: "uri",
          description: "Base URL end users and providers reach this server at (OAuth redirects, webhook URLs). Default: http://localhost:<port>.",
        },
        trustProxy: {
          description:
            "Behind a load balancer or reverse proxy, whose X-Forwarded-For to believe, so rate limits apply to each source rather than to the proxy: the proxies' addresses or CIDRs (e.g. [10.0.0.0/8]), or true to believe any peer (only when nothing reaches the server but the proxy). Default: false (the connecting peer is the source).",
          default: false,
          anyOf: [{ type: "boolean" }, { type: "array", minItems: 1, items: { type: "string", minLength: 1 } }],
        },
        admin: {
          type: "object",
          description:
            "A second listener for operators: /metrics (open there) and /admin (API key), which the public port then no longer serves. Without it, /metrics on the public port needs the API key like /admin.",
          additionalProperties: false,
          required: ["port"],
          properties: {
            host: {
              type: "string",
              minLength: 1,
              default: "127.0.0.1",
              description: "Interface of the admin listener (default 127.0.0.1: this machine only).",
            },
            port: { type: "integer", minimum: 0, maximum: 65535, description: "TCP port of the admin listener." },
          },
        },
        limits: {
          type: "object",
          description: "Bounds on what one request may cost the server.",
          additionalProperties: false,
          default: {},
          properties: {
            hookBodyBytes: positiveInteger("Largest provider webhook body, in bytes; a larger one is refused (413) before it is read.", 5 * 1024 * 1024),
            notificationsPerRequest: positiveInteger("Most notifications one provider webhook request may carry; more is refused with 400.", 1000),
            requestTimeoutSeconds: positiveInteger("Time a client has to send a whole request, body included; then the connection is closed.", 30),
            headersTimeoutSeconds: positiveInteger("Time a client has to send a request's headers.", 10),
          },
        },
        rateLimit: {
          type: "object",
          description:
            "Requests each source address may send to /hooks/<provider> per window; more are answered 429 with Retry-After, before the body is read. Set trustProxy behind a proxy, or every provider shares the proxy's budget.",
          additionalProperties: false,
          default: {},
          properties: {
            max: { type: "integer", minimum: 0, default: 1000, description: "Requests per window and source; 0 turns the limit off." },
            perSeconds: positiveInteger("Window length in seconds.", 10),
            maxRejected: positiveInteger(
              "Requests per window a source may send that fail signature verification; past it the source's requests are refused (429) unread until the window ends.",
              20,
            ),
            maxBytes: positiveInteger(
              "Body bytes per window a source may send (as declared by Content-Length, or as read); past it the source's requests are refused (429) unread until the window ends.",
              64 * 1024 * 1024,
            ),
          },
        },
      },
    },
    redis: {
      type: "object",
      description: "Redis holding the job queues; every worker and API process must use the same one.",
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: "string", minLength: 1, default: "redis://127.0.0.1:6379", description: "redis:// or rediss:// URL." },
        cluster: {
          type: "array",
          minItems: 1,
          items: { type: "string", description: "redis://[user:password@]host:port of one node." },
          description:
            "Startup nodes of a Redis Cluster (a few are enough: the rest are discovered); when set, url is not used. Every key Tributary writes is hash-tagged so each multi-key command stays within one slot.",
        },
        startupTimeoutSeconds: {
          type: "number",
          minimum: 0,
          default: 60,
          description:
            "How long serve, api and worker wait for Redis at start-up (retrying with backoff, /health/ready false meanwhile) before exiting non-zero; 0 waits for ever. TRIBUTARY_REDIS_STARTUP_TIMEOUT overrides it.",
        },
      },
    },
    database: {
      type: "object",
      description: "The state store: connections, encrypted tokens, dead letters.",
      additionalProperties: false,
      default: {},
      properties: {
        url: {
          type: "string",
          default: "",
          description: "postgres:// URL. Empty: an embedded PGlite database in dataDir (single machine only).",
        },
        schema: {
          type: "string",
          pattern: "^[a-z_][a-z0-9_]{0,62}$",
          description:
            "PostgreSQL schema holding Tributary's tables (created if missing), so they never mix with another application's. Default: tributary; an install whose tables are already in public keeps them there (with a warning) until this is set.",
        },
      },
    },
    dataDir: {
      type: "string",
      minLength: 1,
      default: ".tributary",
      description: "Folder for local state (embedded database, generated key), relative to the working directory.",
    },
    encryptionKey: {
      type: "string",
      default: "",
      description:
        "32 random bytes as base64 or hex that encrypt provider tokens at rest (openssl rand -base64 32). Empty: a key file generated in dataDir, for development only.",
    },
    api: {
      type: "object",
      description:
        "The default developer account of the Terra-compatible REST API: a single-developer install needs only this. It receives every destination no entry of developers lists.",
      additionalProperties: false,
      required: ["apiKeys"],
      properties: { ...developerProperties, devId: { ...developerProperties.devId, default: "tributary" } },
    },
    developers: {
      type: "array",
      default: [],
      description:
        "Further developer accounts, each with its own keys, signing secret, providers and destinations; a developer never sees another's users or data.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["devId", "apiKeys", "destinations"],
        properties: {
          ...developerProperties,
          destinations: {
            type: "array",
            uniqueItems: true,
            items: { type: "string", minLength: 1 },
            description: "Names of the destinations this developer's data goes to; each destination belongs to one developer.",
          },
        },
      },
    },
    plugins: {
      type: "array",
      uniqueItems: true,
      items: { type: "string", minLength: 1 },
      default: [...BUILTIN_PLUGINS],
      description: "Module specifiers of connector and destination plugins to load. Default: the built-in list; listing any replaces it.",
    },
    providers: {
      type: "object",
      description: "Providers offered to end users, keyed by the provider name as Terra spells it (SANDBOX, STRAVA, ...).",
      default: {},
      propertyNames: {
        pattern: "^[A-Z][A-Z0-9_]*$",
        description: "Provider names are upper case, as Terra spells them: STRAVA, GOOGLE_FIT.",
      },
      additionalProperties: providerSchema,
    },
    delivery: {
      type: "object",
      description: "Retries and chunking of deliveries, for every destination.",
      additionalProperties: false,
      default: {},
      properties: {
        // The runtime's own defaults: one source, so the config and a config-less runtime agree.
        attempts: positiveInteger("Attempts per delivery before it becomes a dead letter.", DEFAULT_DELIVERY_POLICY.attempts),
        backoffSeconds: positiveInteger(
          "First retry delay; it doubles on each attempt, capped at maxBackoffSeconds. The default (180 s, 10 attempts, 8 h cap) spreads retries over about 21 hours, close to Terra.",
          DEFAULT_DELIVERY_POLICY.backoffSeconds,
        ),
        maxBackoffSeconds: positiveInteger("Upper bound of the retry delay.", DEFAULT_DELIVERY_POLICY.maxBackoffSeconds),
        largeRequestDays: positiveInteger(
          "Data requests spanning more days than this are sent in chunks, as Terra does.",
          DEFAULT_DELIVERY_POLICY.largeRequestDays,
        ),
        chunkSize: positiveInteger("Records per payload in a chunked (large) request.", DEFAULT_DELIVERY_POLICY.chunkSize),
        maxPayloadRecords: positiveInteger(
          "Most records in one data payload; more are split into several payloads.",
          DEFAULT_DELIVERY_POLICY.maxPayloadRecords,
        ),
        maxPayloadBytes: {
          type: "integer",
          minimum: 1024,
          default: DEFAULT_DELIVERY_POLICY.maxPayloadBytes,
          description:
            "Largest data payload in bytes of JSON; records are split across payloads to stay below it (a single record larger than this goes alone). Default 1 MiB, the body limit of most web frameworks.",
        },
        keepAuditDays: {
          type: "integer",
          minimum: 0,
          default: DEFAULT_DELIVERY_POLICY.keepAuditDays,
          description:
            "Days the audit row of a finished delivery (delivered, dead-lettered, withheld or superseded: the deliveries table; also the failed rows earlier versions wrote) is kept after its last change; older ones are removed by the hourly sweep. Never less than a delivery can still be retried (twice the retry schedule plus a day). 0 keeps them for ever. Default 30.",
        },
      },
    },
    destinations: {
      type: "array",
      default: [],
      items: destinationSchema,
      description: "Where normalized data and events are delivered. Empty: nothing is delivered.",
    },
  },
} as const;
