import type { ConnectorSpec } from "@tributary/schemas";

/** The operator's settings a push is checked with (`providers.<NAME>`). */
export interface ProviderPushConfig {
  pushSecret?: string | undefined;
  clientSecret?: unknown;
  options?: Readonly<Record<string, unknown>> | undefined;
}

export interface PushSettings {
  /** The secret the verification scheme names; undefined for schemes that take none. */
  secret?: string;
  /** providers.<NAME>.options over the spec's defaults. */
  options: Readonly<Record<string, unknown>>;
}

export type PushSettingsResult =
  | { ok: true; settings: PushSettings }
  /** `missing` names what the config lacks: the secret, or the setting pushes are matched against. */
  | { ok: false; missing: "secret" | "setting"; problem: string; hint: string };

/**
 * What verifying a connector's pushes needs from the config, or what is missing: a scheme that checks a
 * secret needs it (refusing every push beats accepting every push), `none` with `match` needs its setting.
 */
export function pushSettings(spec: Pick<ConnectorSpec, "name" | "webhook" | "options">, config: ProviderPushConfig | undefined): PushSettingsResult {
  const verify = spec.webhook?.verify;
  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options ?? {})) if (option.default !== undefined) options[name] = option.default;
  Object.assign(options, config?.options);
  if (!verify) return { ok: false, missing: "setting", problem: `${spec.name} declares no webhook`, hint: "Remove the provider's webhook subscription." };
  if (verify.scheme === "none") {
    const setting = verify.match?.setting;
    if (setting !== undefined && (options[setting] === undefined || options[setting] === "")) {
      return {
        ok: false,
        missing: "setting",
        problem: `no providers.${spec.name}.options.${setting} to match pushes against`,
        hint: `Set providers.${spec.name}.options.${setting} in the config.`,
      };
    }
    return { ok: true, settings: { options } };
  }
  const source = "secret" in verify && verify.secret === "clientSecret" ? "clientSecret" : "pushSecret";
  const secret = source === "clientSecret" ? config?.clientSecret : config?.pushSecret;
  if (typeof secret !== "string" || secret === "") {
    const where = source === "clientSecret" ? `providers.${spec.name}.clientSecret` : `providers.${spec.name}.pushSecret (or webhookSecret)`;
    return { ok: false, missing: "secret", problem: `no secret to verify ${spec.name}'s pushes with`, hint: `Set ${where} in the config.` };
  }
  return { ok: true, settings: { secret, options } };
}
