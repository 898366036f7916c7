/**
 * Where sandbox users live. Each city carries one fixed UTC offset (its standard time: the sandbox has no
 * daylight saving) and a ground elevation so GPS tracks and altitude samples start somewhere plausible.
 */
export interface HomeCity {
  city: string;
  state: string;
  country: string;
  lat: number;
  lng: number;
  offsetMinutes: number;
  elevationMeters: number;
}

export const HOME_CITIES: readonly HomeCity[] = [
  { city: "London", state: "England", country: "United Kingdom", lat: 51.5074, lng: -0.1278, offsetMinutes: 0, elevationMeters: 20 },
  { city: "Amsterdam", state: "North Holland", country: "Netherlands", lat: 52.3676, lng: 4.9041, offsetMinutes: 60, elevationMeters: 2 },
  { city: "Berlin", state: "Berlin", country: "Germany", lat: 52.52, lng: 13.405, offsetMinutes: 60, elevationMeters: 34 },
  { city: "Zurich", state: "Zurich", country: "Switzerland", lat: 47.3769, lng: 8.5417, offsetMinutes: 60, elevationMeters: 408 },
  { city: "Madrid", state: "Community of Madrid", country: "Spain", lat: 40.4168, lng: -3.7038, offsetMinutes: 60, elevationMeters: 657 },
  { city: "Athens", state: "Attica", country: "Greece", lat: 37.9838, lng: 23.7275, offsetMinutes: 120, elevationMeters: 70 },
  { city: "Nairobi", state: "Nairobi County", country: "Kenya", lat: -1.2921, lng: 36.8219, offsetMinutes: 180, elevationMeters: 1795 },
  { city: "Bengaluru", state: "Karnataka", country: "India", lat: 12.9716, lng: 77.5946, offsetMinutes: 330, elevationMeters: 920 },
  { city: "Singapore", state: "Central Region", country: "Singapore", lat: 1.3521, lng: 103.8198, offsetMinutes: 480, elevationMeters: 15 },
  { city: "Tokyo", state: "Tokyo", country: "Japan", lat: 35.6762, lng: 139.6503, offsetMinutes: 540, elevationMeters: 40 },
  { city: "Sydney", state: "New South Wales", country: "Australia", lat: -33.8688, lng: 151.2093, offsetMinutes: 600, elevationMeters: 58 },
  { city: "Auckland", state: "Auckland", country: "New Zealand", lat: -36.8485, lng: 174.7633, offsetMinutes: 720, elevationMeters: 20 },
  { city: "São Paulo", state: "São Paulo", country: "Brazil", lat: -23.5505, lng: -46.6333, offsetMinutes: -180, elevationMeters: 760 },
  { city: "New York", state: "New York", country: "United States", lat: 40.7128, lng: -74.006, offsetMinutes: -300, elevationMeters: 10 },
  { city: "Toronto", state: "Ontario", country: "Canada", lat: 43.6532, lng: -79.3832, offsetMinutes: -300, elevationMeters: 76 },
  { city: "Mexico City", state: "Mexico City", country: "Mexico", lat: 19.4326, lng: -99.1332, offsetMinutes: -360, elevationMeters: 2240 },
  { city: "Boulder", state: "Colorado", country: "United States", lat: 40.015, lng: -105.2705, offsetMinutes: -420, elevationMeters: 1655 },
  { city: "San Francisco", state: "California", country: "United States", lat: 37.7749, lng: -122.4194, offsetMinutes: -480, elevationMeters: 16 },
];
