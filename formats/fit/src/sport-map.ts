import { ActivityType } from "@tributary/schemas";

/** A FIT sport and sub-sport, by the names @garmin/fitsdk's Profile gives them. */
export interface FitSport {
  sport: string;
  subSport: string;
}

/*
 * Terra ActivityType code → FIT sport/sub_sport. Several Terra types share one FIT pair (Jogging and
 * Running are both running/generic); decoding takes the first row of a pair, so the canonical type of
 * each pair comes first. Types FIT has no sport for are generic/generic, which decodes to Other.
 */
const ROWS: ReadonlyArray<readonly [code: number, sport: string, subSport?: string]> = [
  [108, "generic"],
  [8, "running"],
  [58, "running", "treadmill"],
  [149, "running", "trail"],
  [133, "running", "indoorRunning"],
  [1, "cycling"],
  [16, "cycling", "road"],
  [15, "cycling", "mountain"],
  [17, "cycling", "spin"],
  [18, "cycling", "indoorCycling"],
  [14, "cycling", "handCycling"],
  [19, "cycling", "commuting"],
  [150, "cycling", "gravelCycling"],
  [153, "cycling", "eBikeMountain"],
  [152, "eBiking"],
  [7, "walking"],
  [95, "walking", "indoorWalking"],
  [93, "walking", "speedWalking"],
  [82, "swimming"],
  [83, "swimming", "lapSwimming"],
  [84, "swimming", "openWater"],
  [35, "hiking"],
  [130, "mountaineering"],
  [53, "rowing"],
  [54, "fitnessEquipment", "indoorRowing"],
  [25, "fitnessEquipment", "elliptical"],
  [78, "fitnessEquipment", "stairClimbing"],
  [88, "fitnessEquipment", "treadmill"],
  [103, "fitnessEquipment"],
  [80, "training", "strengthTraining"],
  [123, "training", "cardioTraining"],
  [100, "training", "yoga"],
  [49, "training", "pilates"],
  [125, "training", "flexibilityTraining"],
  [22, "training"],
  [114, "hiit"],
  [67, "crossCountrySkiing"],
  [65, "alpineSkiing"],
  [66, "alpineSkiing", "backcountry"],
  [68, "alpineSkiing", "resort"],
  [73, "snowboarding"],
  [75, "snowshoeing"],
  [74, "snowmobiling"],
  [104, "iceSkating"],
  [127, "inlineSkating"],
  [79, "standUpPaddleboarding"],
  [129, "paddling"],
  [40, "kayaking"],
  [140, "canoeing"],
  [59, "sailing"],
  [81, "surfing"],
  [92, "wakeboarding"],
  [132, "waterSkiing"],
  [99, "windsurfing"],
  [43, "kitesurfing"],
  [146, "boating"],
  [102, "diving"],
  [60, "diving"],
  [52, "rockClimbing"],
  [77, "floorClimbing"],
  [39, "jumpRope"],
  [20, "boxing"],
  [46, "mixedMartialArts"],
  [44, "mixedMartialArts"],
  [24, "dance"],
  [45, "meditation"],
  [122, "meditation", "breathing"],
  [87, "tennis"],
  [10, "racket", "badminton"],
  [76, "racket", "squash"],
  [51, "racket", "racquetball"],
  [85, "racket", "tableTennis"],
  [134, "racket", "padel"],
  [12, "basketball"],
  [11, "baseball"],
  [29, "soccer"],
  [27, "americanFootball"],
  [55, "rugby"],
  [36, "hockey"],
  [124, "lacrosse"],
  [89, "volleyball"],
  [23, "cricket"],
  [86, "teamSport"],
  [32, "golf"],
  [37, "horsebackRiding"],
  [119, "archery"],
  [128, "skyDiving"],
  [142, "hangGliding"],
  [48, "flying", "flyParaglide"],
  [143, "flying"],
  [131, "fishing"],
  [135, "driving"],
  [137, "motorcycling"],
  [139, "motorcycling", "enduro"],
  [138, "motorSports"],
  [98, "wheelchairPushWalk"],
  [151, "multisport"],
  [126, "multisport", "triathlon"],
  // Terra types that share a FIT pair with one above.
  [56, "running"],
  [57, "running"],
  [94, "walking"],
  [116, "walking"],
  [13, "crossCountrySkiing"],
  [70, "crossCountrySkiing"],
  [90, "volleyball"],
  [91, "volleyball"],
  [105, "iceSkating"],
  [62, "inlineSkating"],
  [63, "inlineSkating"],
  [64, "inlineSkating"],
  [41, "training", "strengthTraining"],
  [97, "training", "strengthTraining"],
  [9, "training", "cardioTraining"],
  [47, "training", "cardioTraining"],
  [21, "training"],
  [33, "training"],
  [113, "training"],
  [115, "training"],
  [154, "training"],
  [42, "mixedMartialArts"],
  [101, "dance"],
  [120, "baseball"],
  [28, "teamSport"],
  [30, "teamSport"],
  [34, "teamSport"],
  [96, "teamSport"],
  [147, "teamSport"],
  [148, "teamSport"],
  [145, "boating"],
  [144, "flying"],
  [136, "driving"],
  [0, "driving"],
];

const GENERIC: FitSport = { sport: "generic", subSport: "generic" };
const byCode = new Map<number, FitSport>();
const byPair = new Map<string, number>();
const bySport = new Map<string, number>();
for (const [code, sport, subSport = "generic"] of ROWS) {
  if (!byCode.has(code)) byCode.set(code, { sport, subSport });
  const pair = `${sport}/${subSport}`;
  if (!byPair.has(pair)) byPair.set(pair, code);
  if (!bySport.has(sport)) bySport.set(sport, code);
}

/** The FIT sport and sub-sport of a Terra ActivityType; generic for types FIT has no sport for. */
export function fitSportOf(activityType: number): FitSport {
  return byCode.get(activityType) ?? GENERIC;
}

/** The Terra ActivityType of a FIT sport/sub-sport: the pair, else the sport alone, else Other. */
export function activityTypeOf(sport: unknown, subSport: unknown): number {
  const name = typeof sport === "string" ? sport : "generic";
  const sub = typeof subSport === "string" ? subSport : "generic";
  return byPair.get(`${name}/${sub}`) ?? bySport.get(name) ?? ActivityType.code("Other");
}

/** Sports whose FIT cadence counts strides (one per two steps) while Terra counts steps per minute. */
export function isOnFoot(sport: string): boolean {
  return sport === "running" || sport === "walking" || sport === "hiking" || sport === "mountaineering";
}
