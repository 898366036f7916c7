import type { ConnectorSpec } from "@tributary/schemas";
import type { RecordKey } from "../contracts/natural-key.ts";
import { actionDataTypes } from "../spec/action-data-types.ts";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import { readPointer } from "../spec/pointer.ts";
import { differences } from "./differences.ts";
import { readPush, recordsOf } from "./push-notifications.ts";
import { createRecordMapper, type MappedRecord, type RecordMapperOptions } from "./record-mapper.ts";

/** What one example of a connector spec led to. */
export interface ExampleCheck {
  /** Where the example (and the record in it) is: "mappings.activity.examples[0]", "streams.activity[0].example/data/1", "webhook.examples[0]/activities/0". */
  source: string;
  description?: string;
  /**
   * record: mapped to a valid Terra record with a natural key (and equal to the expected output, if any);
   * skip: the mapping's `when` left it out (as an expected `output: null` says it should);
   * action: a push whose event carries no records (deauth, ignore, a pull);
   * failed: it would be quarantined, or the example is not what the spec reads; mismatch: mapped, but
   * not to the expected output.
   */
  outcome: "record" | "skip" | "action" | "failed" | "mismatch";
  dataType?: string;
  record?: Record<string, unknown>;
  key?: RecordKey;
  /** The webhook action a push example selects. */
  action?: string;
  problems: string[];
}

export interface ExamplesReport {
  checks: ExampleCheck[];
  /** No check failed or mismatched. */
  ok: boolean;
}

/**
 * Maps every example a connector spec carries — `mappings.<name>.examples` (compared with their
 * `output` when given; `output: null` means the record must be skipped), each stream's `example` page
 * and each `webhook.examples` push — and checks each result against the Terra Standard and for a
 * natural key. What `tributary connector test` prints and a connector's tests assert.
 */
export async function checkConnectorExamples(definition: ConnectorDefinition, options: RecordMapperOptions = {}): Promise<ExamplesReport> {
  const { spec } = definition;
  const mapper = createRecordMapper(definition, options);
  const checks: ExampleCheck[] = [];

  for (const [name, mapping] of Object.entries(spec.mappings ?? {})) {
    const dataType = dataTypeOfMapping(spec, name);
    for (const [i, example] of (mapping.examples ?? []).entries()) {
      const source = `mappings.${name}.examples[${i}]`;
      if (dataType === undefined) {
        checks.push({ source, outcome: "failed", problems: [`no stream or webhook event uses mapping "${name}", so the data type of its records is unknown`] });
        continue;
      }
      const expected = Object.hasOwn(example, "output") ? { output: example.output } : undefined;
      for (const mapped of await mapper.map(name, dataType, example.input)) checks.push(compare(toCheck(source, dataType, mapped), expected));
    }
  }

  for (const [dataType, streams] of Object.entries(spec.streams ?? {})) {
    for (const [i, stream] of (streams ?? []).entries()) {
      if (stream.example === undefined) continue;
      const source = `streams.${dataType}[${i}].example`;
      const pointer = stream.records ?? "";
      const found = readPointer(stream.example, pointer);
      const records = Array.isArray(found) ? found : found === undefined || found === null ? [] : [found];
      if (records.length === 0) {
        checks.push({ source, outcome: "failed", problems: [`no records at ${JSON.stringify(pointer)} (the stream's \`records\`) in the example`] });
        continue;
      }
      for (const [j, record] of records.entries()) {
        const at = Array.isArray(found) ? `${source}${pointer}/${j}` : `${source}${pointer}`;
        for (const mapped of await mapper.map(stream.mapping ?? dataType, dataType, record)) checks.push(toCheck(at, dataType, mapped));
      }
    }
  }

  const webhook = spec.webhook;
  for (const [i, example] of (webhook?.examples ?? []).entries()) {
    const base = `webhook.examples[${i}]`;
    const described = example.description !== undefined ? { description: example.description } : {};
    const notifications = readPush(webhook!, example.body);
    if (notifications.length === 0)
      checks.push({ source: base, ...described, outcome: "failed", problems: ["the push holds no notification where webhook.batch says"] });
    for (const notification of notifications) {
      const source = `${base}${notification.at}`;
      const action = notification.action;
      if (!action) {
        checks.push({
          source,
          ...described,
          outcome: "failed",
          problems: [`no webhook.events entry takes event type "${notification.eventType}" — add it, or a "*" entry`],
        });
        continue;
      }
      if (action.action !== "records") {
        checks.push({
          source,
          ...described,
          outcome: "action",
          action: action.action,
          problems: userProblems(action.action, notification.providerUserId, webhook!.userId),
        });
        continue;
      }
      const problems = userProblems(action.action, notification.providerUserId, webhook!.userId);
      const records = recordsOf(action, notification.document);
      if (records.length === 0) problems.push(`no records at ${JSON.stringify(action.records)} (the event's \`records\`)`);
      if (problems.length > 0) {
        checks.push({ source, ...described, outcome: "failed", action: action.action, problems });
        continue;
      }
      const listed = Array.isArray(readPointer(notification.document, action.records));
      for (const [j, record] of records.entries()) {
        const at = `${source}${action.records}${listed ? `/${j}` : ""}`;
        for (const mapped of await mapper.map(action.mapping ?? action.dataType, action.dataType, record))
          checks.push({ ...toCheck(at, action.dataType, mapped), ...described, action: action.action });
      }
    }
  }

  return { checks, ok: checks.every((check) => check.outcome !== "failed" && check.outcome !== "mismatch") };
}

/** The data type whose records a mapping makes: the streams and push events that use it, or its own name. */
export function dataTypeOfMapping(spec: ConnectorSpec, name: string): string | undefined {
  for (const [dataType, streams] of Object.entries(spec.streams ?? {})) {
    if ((streams ?? []).some((stream) => (stream.mapping ?? dataType) === name)) return dataType;
  }
  for (const value of Object.values(spec.webhook?.events ?? {})) {
    for (const action of Array.isArray(value) ? value : [value]) {
      if ("mapping" in action && action.mapping === name) return action.dataType;
      if (actionDataTypes(action).includes(name)) return name;
    }
  }
  return (spec.dataTypes as readonly string[]).includes(name) ? name : undefined;
}

function toCheck(source: string, dataType: string, mapped: MappedRecord): ExampleCheck {
  if (mapped.kind === "record") return { source, outcome: "record", dataType, record: mapped.record, key: mapped.key, problems: [] };
  if (mapped.kind === "skip") return { source, outcome: "skip", dataType, problems: [] };
  return { source, outcome: "failed", dataType, problems: mapped.problems };
}

function compare(check: ExampleCheck, expected: { output: unknown } | undefined): ExampleCheck {
  if (!expected || check.outcome === "failed") return check;
  if (expected.output === null) {
    return check.outcome === "skip"
      ? check
      : { ...check, outcome: "mismatch", problems: ["expected the mapping to skip this record (output: null), but it mapped it"] };
  }
  if (check.outcome === "skip")
    return { ...check, outcome: "mismatch", problems: ["the mapping skipped this record (its `when`), but the example expects an output"] };
  const found = differences(expected.output, check.record);
  return found.length === 0 ? check : { ...check, outcome: "mismatch", problems: found };
}

function userProblems(action: string, providerUserId: string | undefined, pointer: string): string[] {
  if (action === "ignore" || providerUserId !== undefined) return [];
  return [`names no user at ${JSON.stringify(pointer)} (webhook.userId): the push cannot be matched to a connection`];
}
