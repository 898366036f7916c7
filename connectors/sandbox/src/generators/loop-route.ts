import type { Rng } from "../random/prng.ts";
import type { LatLng } from "../provider/records.ts";

const METERS_PER_DEGREE_LAT = 111_320;
const POINTS = 256;

/**
 * A closed, wobbly loop that starts and ends near the user's home, looked up by distance travelled. Its
 * size follows the workout's distance (radius ≈ distance / 2π), so even a 150 km ride stays within
 * roughly 50 km of home. Elevation is a smooth function of position around the loop, so it closes too.
 */
export interface LoopRoute {
  position(distanceMeters: number): LatLng;
  elevation(distanceMeters: number): number;
}

export function loopRoute(rng: Rng, home: { lat: number; lng: number; elevationMeters: number }, totalDistanceMeters: number, hilliness: number): LoopRoute {
  const total = Math.max(totalDistanceMeters, 1);
  // The front door: up to 1.5 km from the city centre.
  const doorBearing = rng.float(0, 2 * Math.PI);
  const doorDistance = rng.float(0, 1500);
  const doorX = Math.cos(doorBearing) * doorDistance;
  const doorY = Math.sin(doorBearing) * doorDistance;

  const a1 = rng.float(0, 0.2);
  const a2 = rng.float(0, 0.15);
  const a3 = rng.float(0, 0.08);
  const p1 = rng.float(0, 2 * Math.PI);
  const p2 = rng.float(0, 2 * Math.PI);
  const p3 = rng.float(0, 2 * Math.PI);
  const theta0 = rng.float(0, 2 * Math.PI);
  const direction = rng.chance(0.5) ? 1 : -1;
  const radiusAt = (theta: number) => 1 + a1 * Math.sin(theta + p1) + a2 * Math.sin(2 * theta + p2) + a3 * Math.sin(3 * theta + p3);

  // Unit-radius outline, then scaled so its perimeter equals the workout distance.
  const xs = new Float64Array(POINTS + 1);
  const ys = new Float64Array(POINTS + 1);
  const cumulative = new Float64Array(POINTS + 1);
  for (let i = 0; i <= POINTS; i++) {
    const theta = theta0 + (direction * 2 * Math.PI * i) / POINTS;
    const r = radiusAt(theta);
    xs[i] = r * Math.cos(theta);
    ys[i] = r * Math.sin(theta);
    if (i > 0) cumulative[i] = (cumulative[i - 1] ?? 0) + Math.hypot((xs[i] ?? 0) - (xs[i - 1] ?? 0), (ys[i] ?? 0) - (ys[i - 1] ?? 0));
  }
  const unitPerimeter = cumulative[POINTS] ?? 1;
  const scale = total / unitPerimeter;
  const originX = doorX - (xs[0] ?? 0) * scale;
  const originY = doorY - (ys[0] ?? 0) * scale;

  const metersPerDegreeLng = METERS_PER_DEGREE_LAT * Math.cos((home.lat * Math.PI) / 180);
  const climb = hilliness * Math.min(1, Math.sqrt(total / 20_000));
  const e1 = rng.float(0.4, 1) * climb;
  const e2 = rng.float(0, 0.35) * climb;
  const q1 = rng.float(0, 2 * Math.PI);
  const q2 = rng.float(0, 2 * Math.PI);

  const locate = (distance: number): { index: number; fraction: number } => {
    const target = (Math.min(Math.max(distance, 0), total) / total) * unitPerimeter;
    let lo = 0;
    let hi = POINTS;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) <= target) lo = mid;
      else hi = mid;
    }
    const span = (cumulative[hi] ?? 0) - (cumulative[lo] ?? 0);
    return { index: lo, fraction: span > 0 ? (target - (cumulative[lo] ?? 0)) / span : 0 };
  };

  return {
    position(distance) {
      const { index, fraction } = locate(distance);
      const x = originX + scale * ((xs[index] ?? 0) + fraction * ((xs[index + 1] ?? 0) - (xs[index] ?? 0)));
      const y = originY + scale * ((ys[index] ?? 0) + fraction * ((ys[index + 1] ?? 0) - (ys[index] ?? 0)));
      return [home.lat + y / METERS_PER_DEGREE_LAT, home.lng + x / metersPerDegreeLng];
    },
    elevation(distance) {
      const angle = (2 * Math.PI * Math.min(Math.max(distance, 0), total)) / total;
      // Zero at the start and end of the loop, so the route returns to the door's altitude.
      return home.elevationMeters + e1 * (Math.sin(angle + q1) - Math.sin(q1)) + e2 * (Math.sin(3 * angle + q2) - Math.sin(q2));
    },
  };
}

/** Haversine distance in meters. */
export function distanceBetween([lat1, lng1]: LatLng, [lat2, lng2]: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLng = (lng2 - lng1) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}
