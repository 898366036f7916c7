import type { Command } from "commander";
import { createLogger } from "../../log/logger.ts";
import { deauthUser } from "../../runtime/deauth-user.ts";
import { assertRedisReachable, loadApp, withAppOptions, type AppCommandOptions } from "../app-options.ts";

/** `tributary deauth <user_id>`: stop a connection; every destination erases its data, then gets `deauth`. */
export function registerDeauthCommand(program: Command): Command {
  return withAppOptions(program.command("deauth <user_id>").description("disconnect a user: destinations erase their data and receive the deauth event"))
    .action(async (userId: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<AppCommandOptions>();
      const app = await loadApp(options, createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr }));
      try {
        await assertRedisReachable(app);
        const { destinations } = await deauthUser(app.ctx, userId);
        console.error(`✓ ${userId} deactivated; erasure + deauth queued for ${destinations} destination(s)`);
      } finally {
        await app.close();
      }
    });
}
