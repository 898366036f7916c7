import type { ProviderRecord, PullContext, PullSpec } from "../contracts/connector.ts";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** Provider records for one pull: the connector's own `read`, or (later) its declarative HTTP request. */
export async function* readProviderRecords(provider: string, spec: PullSpec, ctx: PullContext): AsyncIterable<ProviderRecord> {
  if (spec.read) {
    yield* spec.read(ctx);
    return;
  }
  throw new UserError(ErrorCodes.PLUGIN_INVALID, `Connector ${provider} declares no way to pull ${ctx.dataType}`, {
    hint: "Give the pull spec a read() function; declarative HTTP pulls are executed by the HTTP puller.",
    plugin: provider,
  });
}
