import type { Command } from "commander";
import { createLogger } from "../../log/logger.ts";
import { withAppOptions, type AppCommandOptions } from "../app-options.ts";
import { withOperatorSession } from "../operator-session.ts";

const quietLogger = () => createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: process.stderr });

/**
 * `tributary deauth <user_id>`: stop a connection; every destination erases its data, then gets `deauth`.
 * `pause` and `resume` stop and restart a user's data without disconnecting it. All three work while
 * `serve` runs, whatever the store.
 */
export function registerDeauthCommand(program: Command): void {
  withAppOptions(program.command("deauth <user_id>").description("disconnect a user: destinations erase their data and receive the deauth event")).action(
    async (userId: string, _options: unknown, command: Command) => {
      await withOperatorSession(command.optsWithGlobals<AppCommandOptions>(), quietLogger(), async ({ actions }) => {
        const result = await actions.deauthorize(userId);
        if (result.status === "deauthorized") console.error(`✓ ${userId} deactivated; erasure + deauth queued for ${result.destinations} destination(s)`);
        else console.error(`✓ ${userId} was already deauthorized; nothing was sent again`);
      });
    },
  );
  withAppOptions(program.command("pause <user_id>").description("pause a user's data (nothing pulled or delivered) without disconnecting it")).action(
    async (userId: string, _options: unknown, command: Command) => {
      await withOperatorSession(command.optsWithGlobals<AppCommandOptions>(), quietLogger(), async ({ actions }) => {
        const { paused_at } = await actions.pause(userId);
        console.error(`✓ ${userId} paused since ${paused_at}`);
      });
    },
  );
  withAppOptions(program.command("resume <user_id>").description("resume a paused user's data and pull what the pause held back")).action(
    async (userId: string, _options: unknown, command: Command) => {
      await withOperatorSession(command.optsWithGlobals<AppCommandOptions>(), quietLogger(), async ({ actions }) => {
        const { catch_up } = await actions.resume(userId);
        console.error(
          catch_up ? `✓ ${userId} resumed; ${catch_up.jobs.length} pulls queued for ${catch_up.start} to ${catch_up.end}` : `✓ ${userId} was not paused`,
        );
      });
    },
  );
}
