/** One example payload found in an OpenAPI document, with the schema(s) it must satisfy. */
export interface SpecExample {
  /** Where it sits, e.g. "webhooks.auth" or "components.schemas.LapSample.properties.trigger_method". */
  location: string;
  /** Key in an `examples` map, or "#<index>" in an `examples` array; absent for a lone `example`. */
  name?: string;
  value: unknown;
  /** Schema ids (or lookup names) that must all accept the value. */
  targets: string[];
  /** Schema ids of which at least one must accept the value (a `oneOf` media schema). */
  anyOf?: string[];
}

/** An example that is not a Terra Standard payload (lab reports, REST error bodies, ...). */
export interface SkippedSpecExample {
  location: string;
  name?: string;
  reason: string;
}

export interface ExtractedSpecExamples {
  examples: SpecExample[];
  skipped: SkippedSpecExample[];
}
