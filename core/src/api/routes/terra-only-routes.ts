import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { ErrorCodes } from "../../errors/codes.ts";
import { TAGS } from "../openapi-docs.ts";
import { sendProblem } from "../problem.ts";
import { authenticatedErrors, problemResponse } from "../schemas/responses.ts";

/** What an application calling one group of Terra-only endpoints should do on this server instead. */
const INSTEAD = {
  mobileSdk:
    "Terra's mobile SDKs (Apple Health, Samsung Health, Health Connect) cannot connect users to this server; connect them with POST /v2/auth/generateWidgetSession or POST /v2/auth/authenticateUser",
  workouts:
    "This server reads data from providers and writes nothing to providers: it keeps no workout templates and plans no workouts; plan them with the provider's own app or API",
  labReports: "This server does not take, parse or deliver lab reports; keep using Terra or your lab's own service for them",
  writeData: "This server reads data from providers and writes nothing to providers; write it through the provider's own app or API",
  modifyUser:
    "To stop or restart a user's data use POST /v2/users/{user_id}/pause and /resume; to change a reference_id, connect the user again with POST /v2/auth/authenticateUser and deauthenticate the old one",
} as const;

interface TerraOnly {
  method: HTTPMethods;
  /** Below /v2, in Fastify's syntax. */
  url: string;
  /** Terra's summary of the endpoint. */
  summary: string;
  instead: keyof typeof INSTEAD;
}

/**
 * Terra's v2 endpoints this server does not serve: those of Terra's published API, and those Terra's
 * JavaScript SDK 2.x (npm `terra-api`) calls besides (PATCH /users/{id}, data written to providers, its
 * /plannedWorkout). An application switching from Terra learns there, from the first call, that the
 * endpoint is not supported — rather than a 404 that reads like a wrong base URL.
 */
const TERRA_ONLY: readonly TerraOnly[] = [
  { method: "POST", url: "/auth/generateAuthToken", summary: "Generate a mobile SDK auth token", instead: "mobileSdk" },
  { method: "POST", url: "/workouts", summary: "Create a workout template", instead: "workouts" },
  { method: "GET", url: "/workouts", summary: "List workout templates", instead: "workouts" },
  { method: "GET", url: "/workouts/:workout_id", summary: "Get a workout template", instead: "workouts" },
  { method: "DELETE", url: "/workouts/:workout_id", summary: "Delete a workout template", instead: "workouts" },
  { method: "POST", url: "/workouts/:workout_id/plan", summary: "Plan a workout onto a user's calendar", instead: "workouts" },
  { method: "GET", url: "/plannedWorkouts", summary: "List planned workouts", instead: "workouts" },
  { method: "GET", url: "/plannedWorkouts/:planned_workout_id", summary: "Get a planned workout", instead: "workouts" },
  { method: "PATCH", url: "/plannedWorkouts/:planned_workout_id", summary: "Reschedule a planned workout", instead: "workouts" },
  { method: "DELETE", url: "/plannedWorkouts/:planned_workout_id", summary: "Delete a planned workout", instead: "workouts" },
  { method: "GET", url: "/plannedWorkout", summary: "Get a user's planned workouts (Terra's JavaScript SDK 2.x)", instead: "workouts" },
  { method: "POST", url: "/plannedWorkout", summary: "Post planned workouts to a provider (Terra's JavaScript SDK 2.x)", instead: "workouts" },
  { method: "DELETE", url: "/plannedWorkout", summary: "Delete planned workouts (Terra's JavaScript SDK 2.x)", instead: "workouts" },
  { method: "POST", url: "/lab-reports", summary: "Upload a lab report", instead: "labReports" },
  { method: "GET", url: "/lab-reports", summary: "List lab report sessions", instead: "labReports" },
  { method: "GET", url: "/lab-reports/:session_id", summary: "Retrieve a lab report session", instead: "labReports" },
  { method: "DELETE", url: "/lab-reports/:session_id", summary: "Delete a lab report session", instead: "labReports" },
  { method: "GET", url: "/lab-reports/:session_id/deliveries", summary: "List a lab report's delivery outcomes", instead: "labReports" },
  { method: "GET", url: "/lab-reports/:session_id/files", summary: "List a lab report's input files", instead: "labReports" },
  { method: "PATCH", url: "/users/:user_id", summary: "Update a user's reference_id or active status (Terra's JavaScript SDK 2.x)", instead: "modifyUser" },
  { method: "POST", url: "/activity", summary: "Post activities to a provider (Terra's JavaScript SDK 2.x)", instead: "writeData" },
  { method: "POST", url: "/body", summary: "Post body data to a provider (Terra's JavaScript SDK 2.x)", instead: "writeData" },
  { method: "DELETE", url: "/body", summary: "Delete body data at a provider (Terra's JavaScript SDK 2.x)", instead: "writeData" },
  { method: "POST", url: "/nutrition", summary: "Post nutrition logs to a provider (Terra's JavaScript SDK 2.x)", instead: "writeData" },
  { method: "DELETE", url: "/nutrition", summary: "Delete nutrition logs at a provider (Terra's JavaScript SDK 2.x)", instead: "writeData" },
];

/** `/workouts/:workout_id` as the endpoint is named to people: `/v2/workouts/{id}`. */
const endpointName = (entry: TerraOnly) => `${entry.method} /v2${entry.url.replace(/:[a-z_]+/g, "{id}")}`;

/**
 * Each Terra-only endpoint answers 501 with Terra's problem shape and ERR_API_NOT_IMPLEMENTED, after the
 * developer authentication every /v2 call has (a call without keys learns nothing about the server first).
 * They are in the OpenAPI document, tagged as not implemented: a client generated from it, or a developer
 * reading it, sees the endpoint exists at Terra and what it answers here.
 */
export async function terraOnlyRoutes(app: FastifyInstance): Promise<void> {
  // The body is never read: an upload (a lab report's PDF, multipart) is answered 501 whatever its type
  // or size, not 413 or 415 about a body that would not be used anyway.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));
  for (const entry of TERRA_ONLY) {
    const detail = `${endpointName(entry)} is a Terra endpoint this server does not implement. ${INSTEAD[entry.instead]}.`;
    app.route({
      method: entry.method,
      url: entry.url,
      schema: {
        tags: [TAGS.terraOnly],
        summary: `${entry.summary} — not implemented`,
        description: `A Terra endpoint this server answers 501 (ERR_API_NOT_IMPLEMENTED). ${INSTEAD[entry.instead]}.`,
        response: { 501: problemResponse("Not implemented here; `detail` says what to use instead."), ...authenticatedErrors },
      },
      handler: (request: FastifyRequest, reply: FastifyReply) => sendProblem(request, reply, 501, detail, ErrorCodes.API_NOT_IMPLEMENTED),
    });
  }
}
