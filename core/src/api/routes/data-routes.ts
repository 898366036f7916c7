import type { FastifyInstance, FastifyReply } from "fastify";
import { DATA_TYPES, type DataType } from "@tributary/schemas";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { isLargeRange, lastDays } from "../../runtime/date-range.ts";
import { enqueueDataRequest, fetchData, prepareDataRequest } from "../../services/request-data.ts";
import { developerOf } from "../developer-auth.ts";
import { TAGS } from "../openapi-docs.ts";
import { sendProblem } from "../problem.ts";
import { parseQueryRange } from "../query-dates.ts";
import { MAX_DAYS_PER_HOUR, MAX_DAYS_PER_REQUEST, requestedDays } from "../request-limits.ts";
import { authenticatedErrors, badRequest, jsonResponse, problemResponse, userNotFound } from "../schemas/responses.ts";
import { ref } from "../schemas/terra-components.ts";
import type { V2Context } from "../v2-api.ts";

interface DataQuery {
  user_id: string;
  start_date?: string;
  end_date?: string;
  to_webhook: boolean;
  with_samples: boolean;
}

const MODEL_TITLES: Record<DataType, string> = {
  activity: "Activity",
  body: "Body",
  daily: "Daily",
  sleep: "Sleep",
  nutrition: "Nutrition",
  menstruation: "Menstruation",
  athlete: "Athlete",
};

const SUMMARIES: Record<DataType, string> = {
  activity: "Workouts",
  body: "Body metrics",
  daily: "Daily summaries",
  sleep: "Sleep sessions",
  nutrition: "Nutrition logs",
  menstruation: "Menstrual cycle data",
  athlete: "The user's profile",
};

const dateParam = (what: string) => ({
  type: "string",
  maxLength: 32,
  description: `${what}: a date (YYYY-MM-DD) or unix seconds (10 digits).`,
  examples: ["2024-03-01", "1709251200"],
});

const RATE_HEADERS = {
  "X-Terra-RateLimit-Limit": { type: "integer", description: "Days of data this user may be asked for per rolling hour." },
  "X-Terra-RateLimit-Remaining": { type: "integer", description: "Days left in the current hour." },
  "X-Terra-RateLimit-Reset-After": { type: "integer", description: "Seconds until the oldest request counted leaves the hour." },
};

/** GET /activity, /body, /daily, /sleep, /nutrition, /menstruation and /athlete. */
export async function dataRoutes(app: FastifyInstance, v2: V2Context): Promise<void> {
  for (const dataType of DATA_TYPES) {
    const athlete = dataType === "athlete";
    const inline = athlete
      ? {
          type: "object",
          required: ["user", "athlete", "type"],
          properties: { user: ref("TerraUser"), athlete: ref("Athlete"), type: { type: "string", enum: ["athlete"] } },
        }
      : {
          type: "object",
          required: ["user", "data", "type"],
          properties: { user: ref("TerraUser"), data: { type: "array", items: ref(MODEL_TITLES[dataType]) }, type: { type: "string", enum: [dataType] } },
        };
    app.get<{ Querystring: DataQuery }>(
      `/${dataType}`,
      {
        schema: {
          tags: [TAGS.data],
          summary: SUMMARIES[dataType],
          description: athlete
            ? "The user's profile, in the answer (to_webhook=false) or delivered to your destinations with a terra-reference (to_webhook=true, the default)."
            : `The user's ${dataType} data between start_date and end_date: in the answer (to_webhook=false, for ranges up to the large-request size), or delivered to your destinations, each payload with the answer's reference in its terra-reference header (to_webhook=true, the default). A range longer than the large-request size (28 days by default) is always delivered: announced by large_request_processing, then large_request_sending with expected_payloads, then the chunks. Limits per user: ${MAX_DAYS_PER_REQUEST} days per request (rule r1), ${MAX_DAYS_PER_HOUR} days per rolling hour (rule r2).`,
          querystring: {
            type: "object",
            required: athlete ? ["user_id"] : ["user_id", "start_date"],
            properties: {
              user_id: { type: "string", minLength: 1, maxLength: 64, description: "The user (a UUID)." },
              ...(athlete
                ? {}
                : { start_date: dateParam("Start of the range"), end_date: dateParam("End of the range (a date includes its whole day; default now)") }),
              to_webhook: { type: "boolean", default: true, description: "Deliver to your destinations (true, the default) or answer with the data (false)." },
              ...(athlete ? {} : { with_samples: { type: "boolean", default: false, description: "Include the detailed samples." } }),
            },
          },
          response: {
            200: jsonResponse(
              "The data, or the acknowledgement of its delivery.",
              { oneOf: [inline, ref("DataSentToWebhook")] },
              { "terra-reference": { type: "string", description: "With delivered requests: the reference every payload carries." }, ...RATE_HEADERS },
            ),
            400: badRequest,
            404: userNotFound,
            409: problemResponse("The user is paused: resume it first."),
            429: problemResponse("A per-user limit is reached (`X-Terra-RateLimit-Rule`: r1, range too long; r2, too many days this hour).", {
              "X-Terra-RateLimit-Rule": { type: "string", enum: ["r1", "r2"] },
              "Retry-After": { type: "integer", description: "Seconds until the request fits (rule r2 only)." },
            }),
            504: problemResponse("The provider took too long to answer a synchronous request; ask with to_webhook=true."),
            ...authenticatedErrors,
          },
        },
      },
      async (request, reply) => {
        const developer = developerOf(request);
        const query = request.query;
        const range = athlete ? lastDays(1) : parseQueryRange(query.start_date!, query.end_date);
        const prepared = await prepareDataRequest(v2.services, {
          userId: query.user_id,
          dataType,
          start: range.start,
          end: range.end,
          withSamples: athlete ? true : query.with_samples,
          scope: { developerId: developer.devId },
        });
        const admitted = await v2.limits.admit(developer.devId, prepared.connection.user_id, athlete ? 1 : requestedDays(range));
        if (!admitted.ok) return refuseOverLimit(reply, admitted);
        reply
          .header("X-Terra-RateLimit-Limit", String(admitted.limit))
          .header("X-Terra-RateLimit-Remaining", String(admitted.remaining))
          .header("X-Terra-RateLimit-Reset-After", String(admitted.resetAfterSeconds));

        if (query.to_webhook || isLargeRange(range, v2.services.policy.largeRequestDays)) {
          const accepted = await enqueueDataRequest(v2.services, prepared);
          reply.header("terra-reference", accepted.reference);
          return {
            status: "success",
            type: dataType,
            reference: accepted.reference,
            trace_id: accepted.reference,
            ...(accepted.large ? { message: "Large request submitted: the data is being processed and will be sent to your destinations in chunks" } : {}),
            user: accepted.user,
          };
        }
        const fetched = await fetchData(v2.services, prepared, { timeoutMs: v2.syncTimeoutMs });
        if (athlete) {
          const [profile] = fetched.records;
          if (!profile) throw new UserError(ErrorCodes.CONNECTION_NOT_FOUND, "the provider has no profile for this user");
          return { user: fetched.user, athlete: profile, type: "athlete" };
        }
        return { user: fetched.user, data: fetched.records, type: dataType };
      },
    );
  }
}

function refuseOverLimit(reply: FastifyReply, decision: { ok: false; rule: "r1" } | { ok: false; rule: "r2"; retryAfterSeconds: number }) {
  reply.header("X-Terra-RateLimit-Rule", decision.rule);
  if (decision.rule === "r2") reply.header("Retry-After", String(decision.retryAfterSeconds));
  reply.request.log.info({ rule: decision.rule }, "data request refused: a per-user limit is reached");
  // Terra's wording exactly; the rule header says which limit, Retry-After when it lifts.
  return sendProblem(reply.request, reply, 429, "rate limit exceeded", ErrorCodes.API_RATE_LIMITED);
}
