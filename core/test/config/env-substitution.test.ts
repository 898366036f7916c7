import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import { parseConfig } from "../../src/config/load-config.ts";

const KEY = "0123456789abcdef";

function load(text: string, env: Record<string, string | undefined>) {
  return parseConfig(text, { file: "tributary.yaml", env });
}

function problemsOf(text: string, env: Record<string, string | undefined>) {
  try {
    load(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the config to be rejected");
}

describe("environment references", () => {
  it("substitutes a set variable, inside flow collections too", () => {
    const config = load("api: { apiKeys: [ ${API_KEY} ] }\nredis: { url: ${REDIS} }\n", { API_KEY: KEY, REDIS: "redis://r:6379" });
    expect(config.api!.apiKeys).toEqual([KEY]);
    expect(config.redis.url).toBe("redis://r:6379");
  });

  it("uses the default when the variable is unset or empty, and the value when it is set", () => {
    const text = "api: { apiKeys: [ '${API_KEY:-fallback-key-0123456}' ] }\ndataDir: ${DIR:-/var/lib/tributary}\n";
    expect(load(text, {}).dataDir).toBe("/var/lib/tributary");
    expect(load(text, { DIR: "" }).dataDir).toBe("/var/lib/tributary");
    expect(load(text, { DIR: "/srv/t" }).dataDir).toBe("/srv/t");
    expect(load(text, {}).api!.apiKeys).toEqual(["fallback-key-0123456"]);
  });

  it("keeps an empty value for ${VAR} when VAR is set but empty", () => {
    expect(load(`${`api: { apiKeys: [ ${KEY} ] }`}\ndatabase: { url: "\${DB}" }\n`, { DB: "" }).database.url).toBe("");
  });

  it("writes $${...} as a literal ${...}", () => {
    const config = load(`api: { apiKeys: [ "$\${NOT_A_VAR}-0123456789" ] }\n`, {});
    expect(config.api!.apiKeys).toEqual(["${NOT_A_VAR}-0123456789"]);
  });

  it("substitutes inside a longer value and in quoted strings", () => {
    const config = load(`api: { apiKeys: ["prefix-\${A}-\${B}"] }\ndataDir: '/data/\${A}'\n`, { A: "one", B: "two-0123456789" });
    expect(config.api!.apiKeys).toEqual(["prefix-one-two-0123456789"]);
    expect(config.dataDir).toBe("/data/one");
  });

  it("inserts values as text, so YAML syntax inside a secret cannot change the document", () => {
    const tricky = `x" # not: a comment', [ ] { } *alias &anchor\n- item`;
    const config = load("api:\n  apiKeys: [ ${API_KEY} ]\n  signingSecret: ${SECRET}\n", { API_KEY: KEY, SECRET: tricky });
    expect(config.api!.signingSecret).toBe(tricky);
    expect(config.api!.apiKeys).toEqual([KEY]);
  });

  it("reads a variable as a number or boolean where the schema expects one", () => {
    const text = `${`api: { apiKeys: [ ${KEY} ] }`}\nserver: { port: \${PORT} }\nproviders: { SANDBOX: { enabled: \${ON} } }\n`;
    const config = load(text, { PORT: "8080", ON: "false" });
    expect(config.server.port).toBe(8080);
    expect(config.providers.SANDBOX?.enabled).toBe(false);
  });

  it("rejects a variable that does not read as the number expected, naming the variable and not its value", () => {
    const problems = problemsOf(`${`api: { apiKeys: [ ${KEY} ] }`}\nserver: { port: \${PORT} }\n`, { PORT: "eighty-eighty" });
    expect(problems).toEqual([{ path: "server.port", line: 2, column: 17, message: "must be a whole number (got the value of $PORT)" }]);
  });

  it("reports an unset variable with its line and column, once", () => {
    const problems = problemsOf("api:\n  apiKeys:\n    - ${TRIBUTARY_API_KEY}\n", {});
    expect(problems).toEqual([
      {
        path: "api.apiKeys[0]",
        line: 3,
        column: 7,
        message: "environment variable TRIBUTARY_API_KEY is not set: set it, or write ${TRIBUTARY_API_KEY:-default} to give a default",
      },
    ]);
  });

  it("ignores references in comments", () => {
    expect(load(`# needs \${NOTHING}\n${`api: { apiKeys: [ ${KEY} ] }`}  # \${NOR_THIS}\n`, {}).api!.apiKeys).toEqual([KEY]);
  });

  it("refuses references in keys and malformed references", () => {
    const problems = problemsOf(`${`api: { apiKeys: [ ${KEY} ] }`}\nproviders:\n  \${NAME}: {}\ndataDir: \${not valid}\n`, { NAME: "X" });
    expect(problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)).toEqual([
      '3:3 providers["${NAME}"]: environment variables can be used in values only, not in keys',
      '4:10 dataDir: "${not valid}" is not a valid reference: write ${NAME} or ${NAME:-default} (NAME: letters, digits, _), or $${...} for a literal',
    ]);
  });
});
