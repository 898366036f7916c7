import type { StreamSpec } from "@tributary/schemas";
import type { ProviderRecord } from "../contracts/connector.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, RateLimitedError, UserError, type TributaryError } from "../errors/tributary-error.ts";
import type { ProviderSession } from "../provider-http/provider-client.ts";
import type { TemplateVariables } from "../provider-http/template-scope.ts";
import { compilePointer } from "../spec/pointer.ts";
import { expressionFailed, type ExpressionBindings, type RecordPredicate } from "./expressions.ts";
import { decodeFitDetail } from "./fit-decode.ts";

export type DetailSpec = NonNullable<StreamSpec["details"]>[number];

export interface CompiledDetail {
  spec: DetailSpec;
  select: (answer: unknown) => unknown;
  /** With `url`: reads the URL to fetch from the record. */
  urlOf?: (record: ProviderRecord) => unknown;
  when?: RecordPredicate;
}

/**
 * `record`: a copy of the record with its details attached (the record itself is left as the page
 * holds it, so a read interrupted before handing it out can save it as received); `failures`: optional
 * details that failed (their key is absent); `error`: why a required one rejects the record.
 */
export type DetailOutcome =
  | { ok: true; record: ProviderRecord; failures: number; fetched: number }
  | { ok: false; error: TributaryError; failures: number; fetched: number };

/** Answers of `once` details within one read, by detail name: fetched for the first record that needs one. */
export interface OnceAnswers {
  /** In flight or arrived. */
  readonly answers: Map<string, Promise<unknown>>;
  /** Those that arrived, as plain JSON: a read continued later starts with them instead of asking again. */
  readonly arrived: Record<string, unknown>;
}

export function onceAnswers(arrived: Readonly<Record<string, unknown>> = {}): OnceAnswers {
  return { answers: new Map(Object.entries(arrived).map(([name, value]) => [name, Promise.resolve(value)])), arrived: { ...arrived } };
}

/** One detail's answer for a record: its request, or the URL the record holds; decoded as FIT when declared. */
async function fetchDetail(detail: CompiledDetail, record: ProviderRecord, session: ProviderSession, variables: TemplateVariables): Promise<unknown> {
  const answer = detail.urlOf
    ? await session.execute(session.prepareUrl(detailUrl(detail, record)))
    : await session.send(detail.spec.request!, { ...variables, record });
  if (answer.ignored) return undefined;
  return detail.select(detail.spec.decode === "fit" ? await decodeFitDetail(answer.raw, `details.${detail.spec.name}`) : answer.body);
}

/**
 * Fetch a record's details and attach each answer (or its `select`ed part) under the detail's name, on
 * a copy of the record. A detail's `when` reads the record and `bound` (`$connection`).
 * An optional detail that fails or is ignored leaves its key absent. A required one that fails for
 * good (a 4xx, an ignored or empty answer) rejects the record, to be quarantined, not the whole read.
 * What the read as a whole must stop for — a budget or Retry-After wait, revoked access, cancellation,
 * a provider down after every retry of a required detail — is thrown.
 */
export async function attachDetails(
  listed: ProviderRecord,
  details: readonly CompiledDetail[],
  session: ProviderSession,
  variables: TemplateVariables,
  bound: ExpressionBindings,
  once: OnceAnswers = onceAnswers(),
): Promise<DetailOutcome> {
  let failures = 0;
  let fetched = 0;
  if (details.length === 0) return { ok: true, record: listed, failures, fetched };
  const record: ProviderRecord = { ...listed };
  for (const detail of details) {
    if (detail.when) {
      try {
        if (!(await detail.when(record, bound))) continue;
      } catch (error) {
        return { ok: false, error: expressionFailed(error, `details.${detail.spec.name}.when`), failures, fetched };
      }
    }
    let value: unknown;
    try {
      const name = detail.spec.name;
      let answer = detail.spec.once ? once.answers.get(name) : undefined;
      if (answer === undefined) {
        fetched += 1;
        answer = fetchDetail(detail, record, session, variables);
        if (detail.spec.once) {
          answer.then(
            (value) => (once.arrived[name] = value),
            () => undefined,
          );
          once.answers.set(name, answer);
        }
      }
      value = await answer;
    } catch (error) {
      if (mustStopTheRead(error, detail.spec.optional === true)) throw error;
      if (detail.spec.optional) {
        failures += 1;
        continue;
      }
      return { ok: false, error: error as TributaryError, failures, fetched };
    }
    if (value === undefined || value === null) {
      if (detail.spec.optional) continue;
      return {
        ok: false,
        failures,
        fetched,
        error: new UserError(ErrorCodes.PROVIDER_BAD_RESPONSE, `The required detail "${detail.spec.name}" of a record is empty or missing`, {
          hint: `Mark the detail optional if the provider may have nothing for some records, or check its select pointer.`,
        }),
      };
    }
    record[detail.spec.name] = value;
  }
  return { ok: true, record, failures, fetched };
}

export function compileDetails(
  details: StreamSpec["details"],
  compileWhen: (expression: string, where: string) => RecordPredicate,
  where: string,
): CompiledDetail[] {
  return (details ?? []).map((spec, index) => ({
    spec,
    select: compilePointer(spec.select ?? ""),
    ...(spec.url !== undefined ? { urlOf: compilePointer(spec.url) } : {}),
    ...(spec.when !== undefined ? { when: compileWhen(spec.when, `${where}.details[${index}].when`) } : {}),
  }));
}

/** The absolute URL a `url` detail fetches; a record without one has nothing to fetch (a bad answer for that record). */
function detailUrl(detail: CompiledDetail, record: ProviderRecord): string {
  const url = detail.urlOf!(record);
  if (typeof url === "string" && url !== "") return url;
  throw new UserError(ErrorCodes.PROVIDER_BAD_RESPONSE, `details.${detail.spec.name}: the record has no URL at ${JSON.stringify(detail.spec.url)}`, {
    hint: "Mark the detail optional if some records have no file, or check its url pointer.",
  });
}

/** Failures that belong to one record (its detail is missing, refused, too big): the rest of the read goes on. */
const RECORD_LEVEL = new Set<string>([
  ErrorCodes.PROVIDER_REQUEST_FAILED,
  ErrorCodes.PROVIDER_RESPONSE_TOO_LARGE,
  ErrorCodes.PROVIDER_URL_REFUSED,
  ErrorCodes.PROVIDER_BAD_RESPONSE,
  ErrorCodes.TEMPLATE_VARIABLE,
]);

/** Whether a detail's failure stops the whole read (a wait, revoked access, a provider down) rather than one record. */
export function mustStopTheRead(error: unknown, optional: boolean): boolean {
  if (!isTributaryError(error) || error instanceof RateLimitedError) return true;
  if (RECORD_LEVEL.has(error.code)) return false;
  // A provider that stays down through every retry: an optional detail is skipped, a required one fails
  // the read (the job is retried later) rather than quarantining records that are fine.
  return !(optional && error.code === ErrorCodes.PROVIDER_UNAVAILABLE);
}
