export { encodeActivityFit } from "./encode-activity.ts";
export { decodeActivityFit, type DecodeActivityOptions } from "./decode-activity.ts";
export { fitSportOf, activityTypeOf, type FitSport } from "./sport-map.ts";
/** The media type of a FIT file, as FIT-speaking services (Garmin, Strava, TrainingPeaks) send and accept it. */
export const FIT_MEDIA_TYPE = "application/vnd.ant.fit";
