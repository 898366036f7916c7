import { percentDecoded } from "../contracts/percent-decoding.ts";
import { compileTemplate } from "../spec/template.ts";

/**
 * A connector-spec template turned around: instead of rendering `/api/user/{provider_user_id}/workouts`
 * from variables, read the variables back out of a request the connector made.
 */
export interface TemplateMatcher {
  readonly source: string;
  readonly variables: readonly string[];
  readonly constant: boolean;
  /** The variables' values (decoded), or undefined when the text does not fit the template. */
  match(text: string): Record<string, string> | undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks where a variable stood; no template text holds one.
const MARK = /\u0000(\d+)\u0000/;

/** `path`: a variable stays inside one path segment; `value`: a query value, header or body field. */
export function compileMatcher(source: string, kind: "path" | "value"): TemplateMatcher {
  const template = compileTemplate(source);
  const names: string[] = [];
  let rendered: string;
  try {
    rendered = template.render((name) => {
      names.push(name);
      return `\u0000${names.length - 1}\u0000`;
    });
  } catch {
    throw new TypeError(`template ${JSON.stringify(source)} reads a JSON pointer, which a request template cannot`);
  }
  const pieces = rendered.split(MARK);
  const capture = kind === "path" ? "([^/]+?)" : "([\\s\\S]*?)";
  let pattern = "^";
  pieces.forEach((piece, index) => {
    pattern += index % 2 === 0 ? escapeRegExp(piece) : capture;
  });
  const regex = new RegExp(`${pattern}$`);
  const order = pieces.filter((_, index) => index % 2 === 1).map((index) => names[Number(index)] as string);
  return {
    source,
    variables: template.variables,
    constant: template.constant,
    match(text) {
      const found = regex.exec(text);
      if (!found) return undefined;
      const values: Record<string, string> = {};
      for (let i = 0; i < order.length; i++) {
        const name = order[i] as string;
        const value = kind === "path" ? percentDecoded(found[i + 1] ?? "") : (found[i + 1] ?? "");
        if (values[name] !== undefined && values[name] !== value) return undefined;
        values[name] = value;
      }
      return values;
    },
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
