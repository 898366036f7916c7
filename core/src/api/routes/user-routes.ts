import type { FastifyInstance } from "fastify";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { toTerraUser } from "../../runtime/terra-user.ts";
import { belongsTo, connectionNotFound, findConnection } from "../../services/owned-connection.ts";
import { developerOf } from "../developer-auth.ts";
import { TAGS } from "../openapi-docs.ts";
import { authenticatedErrors, badRequest, jsonResponse, problemResponse, userNotFound } from "../schemas/responses.ts";
import { ref } from "../schemas/terra-components.ts";
import { userInfoOf } from "../user-info.ts";
import type { V2Context } from "../v2-api.ts";

const MAX_BULK_USERS = 1000;
const DEFAULT_PER_PAGE = 500;
const MAX_PER_PAGE = 1000;

export async function userRoutes(app: FastifyInstance, v2: V2Context): Promise<void> {
  const { services } = v2;

  app.get<{ Querystring: { user_id?: string; reference_id?: string } }>(
    "/userInfo",
    {
      schema: {
        tags: [TAGS.user],
        summary: "A user, or the users of a reference_id",
        description: "With `user_id`: that user, with polling bookkeeping. With `reference_id`: every user you connected under it.",
        querystring: {
          type: "object",
          properties: {
            user_id: { type: "string", minLength: 1, maxLength: 64 },
            reference_id: { type: "string", minLength: 1, maxLength: 256 },
          },
        },
        response: {
          200: jsonResponse("The user, or the reference_id's users.", {
            oneOf: [
              {
                type: "object",
                required: ["status", "user", "is_authenticated"],
                properties: {
                  status: { type: "string", enum: ["success"] },
                  user: ref("UserInfo"),
                  is_authenticated: { type: "boolean", description: "False once the user is deauthenticated." },
                },
              },
              { type: "array", items: ref("TerraUser") },
            ],
          }),
          400: badRequest,
          404: userNotFound,
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const scope = { developerId: developerOf(request).devId };
      const { user_id: userId, reference_id: referenceId } = request.query;
      if ((userId === undefined) === (referenceId === undefined)) {
        throw new UserError(ErrorCodes.API_REQUEST_INVALID, "give either user_id or reference_id", {
          hint: "user_id finds one user; reference_id finds all of its users.",
        });
      }
      if (userId !== undefined) {
        const connection = await findConnection(services, userId, scope);
        if (!connection) throw connectionNotFound(userId);
        return { status: "success", user: userInfoOf(connection), is_authenticated: connection.active };
      }
      const users = await services.store.listConnections({ developerId: scope.developerId, referenceId, limit: MAX_PER_PAGE });
      if (users.length === 0) throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, `No user with reference_id ${referenceId}`);
      return users.map(toTerraUser);
    },
  );

  app.post<{ Body: string[] }>(
    "/bulkUserInfo",
    {
      schema: {
        tags: [TAGS.user],
        summary: "Several users at once",
        description: `The users among the given user_ids (at most ${MAX_BULK_USERS}) that are yours; unknown ids are left out.`,
        body: { type: "array", maxItems: MAX_BULK_USERS, items: { type: "string", maxLength: 64 }, description: "user_ids" },
        response: {
          200: jsonResponse("The users found, in the order asked.", { type: "array", items: ref("TerraUser") }),
          400: badRequest,
          404: problemResponse("None of the user_ids is one of your users."),
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const scope = { developerId: developerOf(request).devId };
      const found = await services.store.getConnections(request.body);
      const users = [...new Set(request.body)].flatMap((id) => {
        const connection = found.get(id);
        return connection && belongsTo(services, connection, scope) ? [toTerraUser(connection)] : [];
      });
      if (users.length === 0) throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, "none of these users was found");
      return users;
    },
  );

  app.get<{ Querystring: { page?: number; per_page?: number } }>(
    "/subscriptions",
    {
      schema: {
        tags: [TAGS.user],
        summary: "Your connected users",
        description: `Every connected user. With \`page\` (zero-based), one page of \`per_page\` users (default ${DEFAULT_PER_PAGE}, at most ${MAX_PER_PAGE}).`,
        querystring: {
          type: "object",
          properties: {
            page: { type: "integer", minimum: 0, description: "Zero-based page; without it every user is answered at once." },
            per_page: { type: "integer", minimum: 1, maximum: MAX_PER_PAGE, description: `Users per page (default ${DEFAULT_PER_PAGE}).` },
          },
        },
        response: {
          200: jsonResponse("The users.", {
            oneOf: [
              { type: "object", required: ["users"], properties: { users: { type: "array", items: ref("TerraUser") } } },
              {
                type: "object",
                required: ["data"],
                properties: {
                  data: {
                    type: "object",
                    required: ["next", "max_page", "results"],
                    properties: {
                      next: { anyOf: [{ type: "integer" }, { type: "null" }], description: "The next page, or null after the last." },
                      max_page: { type: "integer", description: "The last page's number." },
                      results: { type: "array", items: ref("TerraUser") },
                    },
                  },
                },
              },
            ],
          }),
          400: badRequest,
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const filter = { developerId: developerOf(request).devId, active: true };
      const { page, per_page: perPage = DEFAULT_PER_PAGE } = request.query;
      if (page === undefined) {
        const users = [];
        for (let offset = 0; ; offset += MAX_PER_PAGE) {
          const batch = await services.store.listConnections({ ...filter, limit: MAX_PER_PAGE, offset });
          users.push(...batch.map(toTerraUser));
          if (batch.length < MAX_PER_PAGE) break;
        }
        return { users };
      }
      const [total, results] = await Promise.all([
        services.store.countConnections(filter),
        services.store.listConnections({ ...filter, limit: perPage, offset: page * perPage }),
      ]);
      const maxPage = Math.max(0, Math.ceil(total / perPage) - 1);
      return { data: { next: page < maxPage ? page + 1 : null, max_page: maxPage, results: results.map(toTerraUser) } };
    },
  );
}
