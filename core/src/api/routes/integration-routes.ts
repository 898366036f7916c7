import type { FastifyInstance } from "fastify";
import type { RuntimeConnector } from "../../connectors/runtime-connector.ts";
import { isEnabledProvider, offers } from "../offered-providers.ts";
import { TAGS } from "../openapi-docs.ts";
import { badRequest, commonErrors, jsonResponse } from "../schemas/responses.ts";
import { ref } from "../schemas/terra-components.ts";
import type { V2Context } from "../v2-api.ts";

const TERRA_TYPES = ["activity", "body", "nutrition", "daily", "sleep", "menstruation"] as const;

/** Public, as Terra's spec declares them (`security: []`): no key is checked, a wrong one is not refused. */
const publicRoute = { security: [] as Array<Record<string, string[]>> };

/**
 * The providers of this server, from its registered connectors. Public, as in Terra: a dev-id header
 * that names an account shows which of them that developer offers (`enabled`).
 */
export async function integrationRoutes(app: FastifyInstance, v2: V2Context): Promise<void> {
  const registry = v2.services.registry;
  const enabledFor = (request: { developer?: Parameters<typeof offers>[1] }, connector: RuntimeConnector) =>
    request.developer ? offers(v2, request.developer, connector.name) : isEnabledProvider(v2, connector.name);

  app.get(
    "/integrations",
    {
      config: { auth: "public" },
      schema: {
        tags: [TAGS.integrations],
        summary: "Providers you can connect",
        ...publicRoute,
        response: {
          200: jsonResponse("Provider names.", {
            type: "object",
            required: ["status", "providers", "sdk_providers"],
            properties: {
              status: { type: "string", enum: ["success"] },
              providers: { type: "array", items: { type: "string" } },
              sdk_providers: { type: "array", items: { type: "string" }, description: "Providers connected through a mobile SDK (none here)." },
            },
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => ({
      status: "success",
      providers: registry
        .connectors()
        .filter((connector) => enabledFor(request, connector))
        .map((connector) => connector.name),
      sdk_providers: [],
    }),
  );

  app.get<{ Querystring: { sdk?: boolean } }>(
    "/integrations/detailed",
    {
      config: { auth: "public" },
      schema: {
        tags: [TAGS.integrations],
        summary: "Every provider, with name, icon and data types",
        ...publicRoute,
        querystring: { type: "object", properties: { sdk: { type: "boolean", description: "Include SDK-only providers (there are none here)." } } },
        response: {
          200: jsonResponse("The providers.", {
            type: "object",
            required: ["status", "providers"],
            properties: { status: { type: "string", enum: ["success"] }, providers: { type: "array", items: ref("IntegrationProvider") } },
          }),
          400: badRequest,
          ...commonErrors,
        },
      },
    },
    async (request) => ({
      status: "success",
      providers: registry.connectors().map((connector) => ({
        provider: connector.name,
        name: connector.displayName,
        icon: connector.icon ?? null,
        setup: connector.auth.type === "none" ? "NONE" : "API_KEYS_MANAGED",
        enabled: enabledFor(request, connector),
        types: Object.fromEntries(TERRA_TYPES.map((type) => [type, connector.dataTypes.includes(type as never)])),
      })),
    }),
  );
}
