import { validatePayload } from "@tributary/schemas";
import { spawnCli } from "../spawn-cli.ts";

export interface ConnectorRun {
  code: number | null;
  stderr: string;
  /** The Terra payloads printed, one a line, each checked against the webhook schemas. */
  payloads: Array<{ type: string; data?: Record<string, unknown>[]; athlete?: Record<string, unknown> }>;
  /** Every record of those payloads (an athlete payload's athlete too), in order. */
  records: Record<string, unknown>[];
}

/**
 * `tributary connector run <connector> --recorded <dir> --from --to [--user] [--now] [--poll]` (or `--pushes`: the
 * pulls its example pushes trigger), as an operator runs it, in its own process: what it printed, the
 * payloads checked against the schemas.
 */
export async function connectorRun(
  connector: string,
  recorded: string,
  options: { from: string; to: string; user?: string; now?: string; poll?: boolean } | { pushes: true; user?: string; now?: string },
): Promise<ConnectorRun> {
  const args = ["connector", "run", connector, "--recorded", recorded, ...("pushes" in options ? ["--pushes"] : ["--from", options.from, "--to", options.to])];
  if ("poll" in options && options.poll) args.push("--poll");
  if (options.user !== undefined) args.push("--user", options.user);
  if (options.now !== undefined) args.push("--now", options.now);
  const run = spawnCli(args);
  let stdout = "";
  let stderr = "";
  run.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  run.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const { code } = await run.exited;
  const payloads = stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const payload = JSON.parse(line) as ConnectorRun["payloads"][number];
      const checked = validatePayload(payload);
      if (!checked.ok) throw new Error(`connector run printed an invalid payload: ${JSON.stringify(checked.issues).slice(0, 500)}`);
      return payload;
    });
  return { code, stderr, payloads, records: payloads.flatMap((payload) => payload.data ?? (payload.athlete ? [payload.athlete] : [])) };
}

/** Records in a stable order (by their JSON), to compare what two reads delivered whatever order they read their data types in. */
export function inStableOrder(records: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...records].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Each payload as its type and, per record, its summary id (else its start time): what a run delivered, at a glance. */
export function payloadOutline(run: ConnectorRun): Array<[string, string[]]> {
  return run.payloads.map((payload) => [
    payload.type,
    (payload.data ?? []).map((record) => {
      const metadata = record.metadata as { summary_id?: string; start_time?: string } | undefined;
      return metadata?.summary_id ?? metadata?.start_time ?? "";
    }),
  ]);
}
