import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** How a new connector is called in each place: the spec's name, its package, its title, its push header. */
export interface ConnectorNames {
  /** As Terra spells providers: "ACME_FIT". */
  provider: string;
  /** Lower-case with dashes, for the package and URLs: "acme-fit". */
  slug: string;
  /** "Acme Fit". */
  display: string;
  /** "Acme-Fit" (header names). */
  header: string;
}

/**
 * Names from what a user types after `connector new`: "ACME_FIT", "acme-fit", "Acme Fit" and "acmeFit"
 * all give ACME_FIT / acme-fit / "Acme Fit".
 */
export function connectorNames(input: string, displayName?: string): ConnectorNames {
  const words = input
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
  if (words.length === 0 || !/^[a-z]/.test(words[0]!)) {
    throw new UserError(ErrorCodes.CONNECTOR_SCAFFOLD, `${JSON.stringify(input)} is not a connector name`, {
      hint: 'Name the provider with letters and digits, starting with a letter, e.g. "acme-fit" or ACME_FIT.',
    });
  }
  const capitalised = words.map((word) => word[0]!.toUpperCase() + word.slice(1));
  return {
    provider: words.join("_").toUpperCase(),
    slug: words.join("-"),
    display: displayName?.trim() || capitalised.join(" "),
    header: capitalised.join("-"),
  };
}
