import swagger, { type FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { apiComponents } from "./schemas/api-components.ts";
import { terraComponents } from "./schemas/terra-components.ts";

/** Below the /v2 prefix: the API's description and its reference page. */
export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

export const TAGS = {
  auth: "Authentication",
  user: "User",
  integrations: "Integrations",
  data: "Data",
  extensions: "Tributary extensions",
  terraOnly: "Terra endpoints not implemented",
} as const;

/**
 * Route schema key of a JSON body a client may leave out (Terra's authenticateUser): the route validates
 * `{}` in its place (see v2-api.ts), and the document says the body is not required — @fastify/swagger
 * marks every body schema required.
 */
export const OPTIONAL_BODY = "x-optional-body";

declare module "fastify" {
  interface FastifySchema {
    [OPTIONAL_BODY]?: boolean;
  }
}

/**
 * The API's OpenAPI 3.1 description, generated from the route schemas (only /v2 routes are tagged, so
 * only they appear), with the Terra Standard models as components. Registered on the root instance,
 * before the routes, so it sees all of them.
 */
export function registerOpenApi(app: FastifyInstance, options: { publicUrl: string; version: string }): void {
  const swaggerOptions: FastifyDynamicSwaggerOptions = {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Tributary API",
        version: options.version,
        description:
          "Terra-compatible REST API (v2) of a self-hosted Tributary server: connect users, read their data, or have it delivered to your destinations. Every call needs the `dev-id` and `x-api-key` headers of a developer account, except the integration lists. Errors are problem details (application/problem+json).",
        license: { name: "MIT", identifier: "MIT" },
      },
      servers: [{ url: options.publicUrl }],
      tags: Object.values(TAGS).map((name) => ({ name })),
      components: {
        securitySchemes: {
          ApiKeyAuth: { type: "apiKey", in: "header", name: "x-api-key", description: "An API key of your developer account." },
          DevID: { type: "apiKey", in: "header", name: "dev-id", description: "Your developer id." },
        },
        schemas: { ...apiComponents(), ...terraComponents() },
      },
      security: [{ ApiKeyAuth: [], DevID: [] }],
    },
    hideUntagged: true,
    transformObject: (document) => ("openapiObject" in document ? markOptionalBodies(document.openapiObject) : document.swaggerObject),
  };
  app.register(swagger, swaggerOptions);
}

type Operation = { requestBody?: { required?: boolean }; [OPTIONAL_BODY]?: boolean };

function markOptionalBodies<T extends { paths?: object }>(document: T): T {
  for (const path of Object.values(document.paths ?? {}) as Array<Record<string, Operation>>) {
    for (const operation of Object.values(path)) {
      if (operation[OPTIONAL_BODY] !== true) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) operation.requestBody.required = false;
    }
  }
  return document;
}

/**
 * `/v2/openapi.json` and the browsable reference at `/v2/docs` (Swagger UI, served from the package: no
 * CDN, no online validator). Both public: the description holds no secret.
 */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(async (docs) => {
    docs.addHook("onRoute", (route) => {
      route.config = { ...(route.config ?? {}), auth: "none" };
    });
    docs.get(OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) => reply.type("application/json").send(app.swagger()));
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PATH,
      uiConfig: { validatorUrl: null, docExpansion: "list", deepLinking: true, defaultModelsExpandDepth: 0 },
      staticCSP: true,
    });
  });
}
