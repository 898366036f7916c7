/**
 * A connector plugin: its spec (data — identity, auth, HTTP, streams, mappings, webhook, sync) and the
 * TypeScript hooks for what the spec cannot say. Plugins export `defineConnector({ spec, hooks, dir })`;
 * partners write the spec as a `connector.yaml` and no code at all.
 */
export { defineConnector, type ConnectorDefinition, type ConnectorInput } from "../spec/define-connector.ts";
export type {
  ConnectorHooks,
  HookConnection,
  HookContext,
  HookResponse,
  MapContext,
  MapHook,
  ProviderRecord,
  ReadContext,
  ReadHook,
  TransformContext,
  TransformHook,
  VerifyHook,
} from "../spec/hooks.ts";
export type { ConnectorSpec } from "@tributary/schemas";

/** What the runtime tells a connector about the connection it pulls or maps for. */
export interface ConnectionInfo {
  userId: string;
  provider: string;
  providerUserId?: string | null;
  referenceId?: string | null;
}
