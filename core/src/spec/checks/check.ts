import type { ConnectorSpec } from "@tributary/schemas";
import type { ConnectorHooks } from "../hooks.ts";
import type { SpecPath } from "../spec-problem.ts";

/** What a semantic check looks at: a spec that passed the meta-schema, and the connector's hooks. */
export interface CheckInput {
  spec: ConnectorSpec;
  hooks: ConnectorHooks;
}

/** Records one mistake: where, and what is expected there. `atKey` when the key itself is the mistake. */
export type Report = (path: SpecPath, message: string, atKey?: boolean) => void;

export type Check = (input: CheckInput, report: Report) => void;
