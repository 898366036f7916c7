import type { FastifyInstance } from "fastify";
import { toTerraUser } from "../../runtime/terra-user.ts";
import { pauseUser, resumeUser } from "../../services/pause-user.ts";
import { developerOf } from "../developer-auth.ts";
import { TAGS } from "../openapi-docs.ts";
import { authenticatedErrors, badRequest, jsonResponse, userNotFound } from "../schemas/responses.ts";
import { ref } from "../schemas/terra-components.ts";
import type { V2Context } from "../v2-api.ts";

const params = { type: "object", required: ["user_id"], properties: { user_id: { type: "string", minLength: 1, maxLength: 64 } } };

/** Pause and resume a user's data without disconnecting it (a Tributary extension; Terra has it in its dashboard only). */
export async function pauseRoutes(app: FastifyInstance, v2: V2Context): Promise<void> {
  const { services } = v2;

  app.post<{ Params: { user_id: string } }>(
    "/users/:user_id/pause",
    {
      schema: {
        tags: [TAGS.extensions],
        summary: "Pause a user's data",
        description:
          "Stops the user's data without disconnecting it: nothing is pulled or accepted from the provider and nothing is delivered (payloads already queued are withheld), until it is resumed. Data requests for a paused user answer 409. Pausing a paused user changes nothing.",
        params,
        response: {
          200: jsonResponse("Paused.", {
            type: "object",
            required: ["status", "user", "paused_at"],
            properties: { status: { type: "string", enum: ["success"] }, user: ref("TerraUser"), paused_at: { type: "string", format: "date-time" } },
          }),
          400: badRequest,
          404: userNotFound,
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const connection = await pauseUser(services, request.params.user_id, { developerId: developerOf(request).devId });
      return { status: "success", user: toTerraUser(connection), paused_at: connection.paused_at };
    },
  );

  app.post<{ Params: { user_id: string } }>(
    "/users/:user_id/resume",
    {
      schema: {
        tags: [TAGS.extensions],
        summary: "Resume a paused user's data",
        description:
          "Lets the user's data flow again and pulls what the pause held back: every data type from when the pause began until now, delivered to your destinations. Resuming a user that is not paused changes nothing.",
        params,
        response: {
          200: jsonResponse("Resumed.", {
            type: "object",
            required: ["status", "user"],
            properties: {
              status: { type: "string", enum: ["success"] },
              user: ref("TerraUser"),
              catch_up: {
                type: "object",
                description: "The window pulled again (absent when the user was not paused).",
                required: ["start", "end"],
                properties: { start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } },
              },
            },
          }),
          400: badRequest,
          404: userNotFound,
          ...authenticatedErrors,
        },
      },
    },
    async (request) => {
      const { connection, catchUp } = await resumeUser(services, request.params.user_id, { developerId: developerOf(request).devId });
      return { status: "success", user: toTerraUser(connection), ...(catchUp ? { catch_up: { start: catchUp.start, end: catchUp.end } } : {}) };
    },
  );
}
