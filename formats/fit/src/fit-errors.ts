import { ErrorCodes, UserError } from "@tributary/core/contracts";

const HINT = "Nothing from this file was delivered; get an intact copy of the activity file (download or export it again) and import that.";

export const notFit = (detail: string) =>
  new UserError(ErrorCodes.FIT_NOT_FIT, `Not a FIT file: ${detail}`, {
    hint: "Check that the file is the activity's .fit file, not a .tcx, .gpx, .zip or an HTML error page.",
  });

export const truncated = (have: number, need: number) =>
  new UserError(ErrorCodes.FIT_TRUNCATED, `Truncated FIT file: it has ${have} bytes, its header announces ${need}`, {
    hint: HINT,
    details: { bytes: have, expectedBytes: need },
  });

export const corrupt = (detail: string) => new UserError(ErrorCodes.FIT_CORRUPT, `Corrupt FIT file: ${detail}`, { hint: HINT });

export const notActivity = (detail: string) =>
  new UserError(ErrorCodes.FIT_NOT_ACTIVITY, `Not a FIT activity: ${detail}`, {
    hint: "Only activity files (a recorded workout) become Terra activities; courses, workouts, settings and monitoring files do not.",
  });
