import { compileResponseRules, type Action, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorSpec } from "@tributary/schemas";

/** One request a connector sent through its provider client, with the action its answer got. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  /** The response → action table's verdict: success, ignore (the provider's "nothing here"), refresh, … */
  action: Action;
}

/**
 * A transport that keeps every exchange a connector's provider client makes, each answer judged by the
 * spec's response → action table as the client judges it — so a test can tell an answer the connector
 * takes as "nothing here" (WHOOP's 404 for a cycle without recovery) from one it should never get.
 */
export function recordExchanges(spec: Pick<ConnectorSpec, "http">, transport: ProviderTransport): { transport: ProviderTransport; exchanges: Exchange[] } {
  const decide = compileResponseRules(spec.http?.responses);
  const exchanges: Exchange[] = [];
  return {
    exchanges,
    transport: async (request) => {
      const response = await transport(request);
      let parsed: { value: unknown } | undefined;
      const text = () => response.body.toString("utf8");
      const json = () => {
        if (!parsed) {
          try {
            parsed = { value: text().trim() === "" ? null : JSON.parse(text()) };
          } catch {
            parsed = { value: undefined };
          }
        }
        return parsed.value;
      };
      exchanges.push({
        method: request.method,
        url: request.url,
        status: response.status,
        action: decide({ status: response.status, headers: response.headers, json, text }).action,
      });
      return response;
    },
  };
}

/** Answers the connector could not take as an answer: anything but success, redirects and the provider's "nothing here" (ignore). */
export function unanswered(exchanges: readonly Exchange[]): Exchange[] {
  return exchanges.filter((exchange) => exchange.action !== "success" && exchange.action !== "ignore" && exchange.action !== "redirect");
}
