// Connector specs: loading (YAML or defineConnector), checking (meta-schema and cross-checks), and the
// template and JSON-pointer engines the runtime renders specs with.
export { defineConnector, type ConnectorDefinition, type ConnectorInput } from "./define-connector.ts";
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
} from "./hooks.ts";
export { loadConnectorFile, readConnectorFile, resolveConnectorSpecFile, SPEC_FILE_NAMES, type ConnectorFileResult } from "./load-connector.ts";
export { validateConnector, type ConnectorValidation } from "./validate-connector.ts";
export { ConnectorSpecError, formatSpecProblem, type SpecProblem } from "./spec-problem.ts";
export { iconLocation } from "./icon.ts";
export { compileTemplate, type CompiledTemplate, type TemplateScope } from "./template.ts";
export { compilePointer, readPointer, type PointerLookup } from "./pointer.ts";
export { actionDataTypes } from "./action-data-types.ts";
export { TEMPLATE_CONTEXTS, TEMPLATE_VARIABLE_GROUPS, isOffered, type TemplateContext, type TemplateVariableGroup } from "./template-variables.ts";
