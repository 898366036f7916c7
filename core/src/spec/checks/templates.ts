import { closestName, type ConnectorSpec } from "@tributary/schemas";
import { isTributaryError } from "../../errors/tributary-error.ts";
import type { SpecPath } from "../spec-problem.ts";
import { compileTemplate } from "../template.ts";
import { groupOf, isOffered, offeredPlaceholders, TEMPLATE_CONTEXTS, type TemplateContext, type TemplateVariableGroup } from "../template-variables.ts";
import { authMethodsAt } from "./auth.ts";
import type { Check, Report } from "./check.ts";
import { requestTemplates, specRequests, specStreams, type SpecStream } from "./spec-parts.ts";

interface TemplateAt {
  text: string;
  path: SpecPath;
  context: TemplateContext;
  stream?: SpecStream;
}

/**
 * Every template compiles, and uses only the variables its place offers; `{options.<name>}` names a
 * declared option. A spec without hooks must use every option it declares (nothing else could read it).
 */
export const checkTemplates: Check = ({ spec, hooks }, report) => {
  const declared = new Set(Object.keys(spec.options ?? {}));
  const usedOptions = new Set<string>();
  for (const template of specTemplates(spec)) {
    let variables: readonly string[];
    try {
      variables = compileTemplate(template.text).variables;
    } catch (error) {
      if (!isTributaryError(error)) throw error;
      report(template.path, `${error.message.replace(/^Template "(?:[^"\\]|\\.)*": /, "")} in ${JSON.stringify(template.text)}`);
      continue;
    }
    for (const name of new Set(variables)) checkVariable(name, template, declared, usedOptions, report);
  }
  const match = spec.webhook?.verify.scheme === "none" ? spec.webhook.verify.match : undefined;
  if (match) {
    usedOptions.add(match.setting);
    if (!declared.has(match.setting)) report(["webhook", "verify", "match", "setting"], `no option named "${match.setting}" — declare it under options`);
  }
  spec.webhook?.subscription?.settings?.forEach(({ setting }, i) => {
    if (!setting.startsWith("options.")) return;
    const option = setting.slice("options.".length);
    usedOptions.add(option);
    if (!declared.has(option)) report(["webhook", "subscription", "settings", i, "setting"], `no option named "${option}" — declare it under options`);
  });
  const hasHooks = Object.keys(hooks).length > 0;
  if (!hasHooks) {
    for (const name of declared) {
      if (!usedOptions.has(name)) report(["options", name], `never used: no template reads {options.${name}} — use it or remove it`, true);
    }
  }
};

function checkVariable(name: string, template: TemplateAt, declared: ReadonlySet<string>, usedOptions: Set<string>, report: Report): void {
  const { context, stream } = template;
  const dateRange = stream?.stream.dateRange;
  // The window exists only where a dateRange says how to write it.
  const without: TemplateVariableGroup[] =
    (context === "stream" || context === "detail" || context === "recordFields") && dateRange === undefined ? ["window"] : [];
  const where = TEMPLATE_CONTEXTS[context].describe;

  if (!isOffered(context, name, without)) {
    const group = groupOf(name);
    if (group === "window" && without.includes("window") && stream) {
      report(template.path, `{${name}} needs ${pathText(stream.path)}.dateRange (how the window is written) — add it, or leave the window out`);
    } else if (group === "document") {
      report(
        template.path,
        `{${name}} is a JSON pointer, which only webhook.eventType can read — ${where} offers ${offeredPlaceholders(context, without).join(", ")}`,
      );
    } else if (name === "client_secret" || name.endsWith("secret") || name.endsWith("password") || name === "refresh_token") {
      report(
        template.path,
        `{${name}}: secrets are never template variables — the client authenticates as auth.clientAuth says, tokens go where the auth type puts them`,
      );
    } else {
      const names = offeredPlaceholders(context, without)
        .map((p) => p.slice(1, -1))
        .filter((n) => !n.includes("<"));
      const close = closestName(name, names);
      const hint = close !== undefined ? ` (did you mean {${close}}?)` : "";
      report(template.path, `{${name}} is not available in ${where}${hint}; it offers ${offeredPlaceholders(context, without).join(", ")}`);
    }
    return;
  }
  if (name === "end" && dateRange !== undefined && dateRange.end === undefined && stream) {
    report(template.path, `{end} needs ${pathText(stream.path)}.dateRange.end (how the end is written) — add it`);
  }
  if (name.startsWith("options.")) {
    const option = name.slice("options.".length);
    usedOptions.add(option);
    if (!declared.has(option)) {
      const close = closestName(option, [...declared]);
      report(
        template.path,
        `{${name}} reads an option that is not declared${close ? ` (did you mean {options.${close}}?)` : ""} — declare it under options.${option}`,
      );
    }
  }
}

const pathText = (path: SpecPath) => `${String(path[0])}.${String(path[1])}[${String(path[2])}]`;

/** Every template of a spec, with the context it is rendered in. */
function specTemplates(spec: ConnectorSpec): TemplateAt[] {
  const found: TemplateAt[] = [];
  const add = (text: string | undefined, path: SpecPath, context: TemplateContext) => {
    if (text !== undefined) found.push({ text, path, context });
  };
  add(spec.http?.baseUrl, ["http", "baseUrl"], "baseUrl");
  for (const [name, text] of Object.entries(spec.http?.headers ?? {})) add(text, ["http", "headers", name], "defaultHeader");
  for (const { auth, path: at } of authMethodsAt(spec.auth)) {
    if (auth.type === "oauth2") {
      add(auth.authorizeUrl, [...at, "authorizeUrl"], "authEndpoint");
      add(auth.refreshUrl, [...at, "refreshUrl"], "authEndpoint");
      for (const [name, text] of Object.entries(auth.authorizeParams ?? {})) add(text, [...at, "authorizeParams", name], "authEndpoint");
    }
    if (auth.type === "oauth2" || auth.type === "oauth2_password") {
      add(auth.tokenUrl, [...at, "tokenUrl"], "authEndpoint");
      for (const [name, text] of Object.entries(auth.tokenParams ?? {})) add(text, [...at, "tokenParams", name], "authEndpoint");
    }
  }
  for (const { request, path, context, stream } of specRequests(spec)) {
    for (const template of requestTemplates(request, path)) found.push({ ...template, context, ...(stream ? { stream } : {}) });
  }
  for (const stream of specStreams(spec)) {
    for (const [name, text] of Object.entries(stream.stream.recordFields ?? {}))
      found.push({ text, path: [...stream.path, "recordFields", name], context: "recordFields", stream });
  }
  add(spec.webhook?.eventType, ["webhook", "eventType"], "eventType");
  return found;
}
