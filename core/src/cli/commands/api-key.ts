import type { Command } from "commander";
import { apiKeyDigestText, generateApiKey } from "../../developers/api-key.ts";

/**
 * `tributary api-key`: a new API key for a developer, and its digest. Give the key to the developer and
 * put the digest (`sha256:…`) in the config's apiKeys: the server never needs the key itself.
 */
export function registerApiKeyCommand(program: Command): Command {
  return program
    .command("api-key")
    .description("make a new API key and the sha256: digest to list in the config instead of it")
    .action(() => {
      const key = generateApiKey();
      console.log(`key:    ${key}`);
      console.log(`digest: ${apiKeyDigestText(key)}`);
      console.error("Give the key to the developer; list the digest under its apiKeys. Keep the key secret: it is not shown again.");
    });
}
