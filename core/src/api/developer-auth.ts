import type { FastifyReply, FastifyRequest } from "fastify";
import type { Developer } from "../developers/developer.ts";
import type { DeveloperDirectory } from "../developers/developer-directory.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { sendProblem } from "./problem.ts";

/**
 * How a /v2 route authenticates (its `config.auth`): `required` (the default) needs dev-id and x-api-key
 * of one account; `public` (the integration lists: `security: []` in Terra's spec) authenticates nothing —
 * no key is checked, so none is ever refused — and reads a dev-id only to scope what it shows; `none`
 * serves everyone (the API's own description).
 */
export type RouteAuth = "required" | "public" | "none";

declare module "fastify" {
  interface FastifyRequest {
    /** The developer account the request authenticated as (or, for `public` routes, named). */
    developer?: Developer;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? undefined : first;
};

export function developerAuth(directory: DeveloperDirectory) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const mode = request.routeOptions.config.auth ?? "required";
    if (mode === "none") return;
    const devId = header(request, "dev-id");
    const apiKey = header(request, "x-api-key");
    if (mode === "public") {
      const named = devId === undefined ? undefined : directory.get(devId);
      if (named) request.developer = named;
      return;
    }
    if (devId === undefined || apiKey === undefined) {
      await sendProblem(request, reply, 401, "dev-id or x-api-key headers are missing", ErrorCodes.API_UNAUTHORIZED);
      return;
    }
    const developer = directory.authenticate(devId, apiKey);
    if (!developer) {
      request.log.info({ devId }, "request with an unknown dev-id or a wrong API key");
      await sendProblem(request, reply, 401, "dev-id and x-api-key do not match a developer account", ErrorCodes.API_UNAUTHORIZED);
      return;
    }
    request.developer = developer;
  };
}

/** The authenticated developer of a `required` route (the hook has refused the request otherwise). */
export function developerOf(request: FastifyRequest): Developer {
  if (!request.developer) throw new Error("route without an authenticated developer");
  return request.developer;
}
