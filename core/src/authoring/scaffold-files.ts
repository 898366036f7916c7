import type { ConnectorNames } from "./scaffold-names.ts";

export type ScaffoldKind = "yaml" | "typescript";

/**
 * The files of a new connector, by path inside its folder. The connector is complete and consistent: its
 * spec validates, its examples map, its mock serves its fixtures over two pages and its tests pass —
 * an author then replaces the invented provider with the real one, part by part, keeping them green.
 */
export function scaffoldFiles(names: ConnectorNames, kind: ScaffoldKind): Record<string, string> {
  const files: Record<string, string> = {
    "connector.yaml": connectorYaml(names, kind),
    "icon.svg": iconSvg(names),
    "README.md": readme(names, kind),
    "package.json": packageJson(names, kind),
    "fixtures/users.json": `${JSON.stringify(USERS, null, 2)}\n`,
    "fixtures/activities.json": `${JSON.stringify(ACTIVITIES, null, 2)}\n`,
    "test/connector.test.ts": connectorTest(names, kind),
  };
  if (kind === "typescript") {
    files["src/index.ts"] = indexTs(names);
    files["src/map-activity.ts"] = mapActivityTs(names);
  }
  return files;
}

const USERS = [
  { id: "user-1", username: "ada@example.com", password: "ada-password" },
  { id: "user-2", username: "bob@example.com", password: "bob-password" },
];

const workout = (id: string, name: string, sport: string, start: string, end: string, calories: number, distanceKm: number, avgHr: number, maxHr: number) => ({
  id,
  name,
  sport,
  start_time: start,
  end_time: end,
  calories,
  distance_km: distanceKm,
  avg_heart_rate: avgHr,
  max_heart_rate: maxHr,
});

/** Three workouts of user-1 in the week of 5 January 2026 (two pages of two), one of user-2. */
const ACTIVITIES = {
  time: { path: "/start_time", format: "datetime" },
  pageSize: 2,
  records: {
    "user-1": [
      workout("a-101", "Morning ride", "cycling", "2026-01-05T07:00:00+01:00", "2026-01-05T08:00:00+01:00", 610, 28.4, 138, 171),
      workout("a-102", "Lunch run", "running", "2026-01-07T12:15:00+01:00", "2026-01-07T12:50:00+01:00", 402, 6.9, 151, 176),
      workout("a-103", "Evening walk", "walking", "2026-01-09T18:30:00+01:00", "2026-01-09T19:10:00+01:00", 160, 3.2, 98, 112),
    ],
    "user-2": [workout("b-201", "Intervals", "running", "2026-01-06T06:30:00+01:00", "2026-01-06T07:15:00+01:00", 540, 9.1, 162, 184)],
  },
};

function connectorYaml(names: ConnectorNames, kind: ScaffoldKind): string {
  const { provider, slug, display, header } = names;
  const mapping =
    kind === "yaml"
      ? `
# Provider record → Terra Activity (docs/connectors.md, "Mappings"). The example is checked by the tests:
# its input must map to exactly its output.
mappings:
  activity:
    template:
      metadata:
        summary_id: { path: /id, type: string, required: true }
        name: { path: /name }
        type: { path: /sport, enum: { map: { cycling: 1, running: 8, walking: 7 }, default: 108 } }
        upload_type: 1
        start_time: { path: /start_time, time: { format: datetime }, required: true }
        end_time: { path: /end_time, time: { format: datetime }, required: true }
      calories_data:
        total_burned_calories: { path: /calories }
      distance_data:
        summary:
          distance_meters: { path: /distance_km, convert: { from: km, to: m }, round: 1 }
      heart_rate_data:
        summary:
          avg_hr_bpm: { path: /avg_heart_rate }
          max_hr_bpm: { path: /max_heart_rate }
    examples:
      - input: { id: a-100, name: Morning ride, sport: cycling, start_time: "2026-01-05T07:00:00+01:00", end_time: "2026-01-05T08:00:00+01:00", calories: 610, distance_km: 28.4, avg_heart_rate: 138, max_heart_rate: 171 }
        output:
          metadata: { summary_id: a-100, name: Morning ride, type: 1, upload_type: 1, start_time: "2026-01-05T07:00:00.000000+01:00", end_time: "2026-01-05T08:00:00.000000+01:00" }
          calories_data: { total_burned_calories: 610 }
          distance_data: { summary: { distance_meters: 28400 } }
          heart_rate_data: { summary: { avg_hr_bpm: 138, max_hr_bpm: 171 } }
`
      : `
# The mapping of activity records is TypeScript: the map hook in src/map-activity.ts.
`;
  return `# ${provider} — ${display}. Made by \`tributary connector new\`: a connector that works against its own mock.
# Replace each part with what the provider documents, keeping \`pnpm vitest run\` on this folder green:
# docs/add-a-connector.md walks through it, docs/connectors.md describes every field.
name: ${provider}
displayName: ${display}
description: Workouts recorded with ${display}.
icon: icon.svg
dataTypes: [activity]

# How a user connects. Client id and secret come from the operator's config (providers.${provider}).
auth:
  type: oauth2
  authorizeUrl: https://${slug}.example/oauth/authorize
  tokenUrl: https://api.${slug}.example/v1/oauth/token
  scopes: [activities.read]
  pkce: true
  # Where the provider's id of the user is: pushes name their user with the same id.
  providerUserId: { from: token, path: /user_id }

http:
  baseUrl: https://api.${slug}.example/v1
  rateLimits:
    - { name: user_minute, scope: user, max: 60, perSeconds: 60 }

# How activities are pulled: the window in two query parameters, cursor paging, the records in /data.
streams:
  activity:
    - name: activities
      request:
        path: /users/{provider_user_id}/activities
        query: { from: "{start}", to: "{end}" }
      dateRange:
        start: { format: datetime }
        end: { format: datetime }
        maxWindowDays: 30
      paging: { type: cursor, param: cursor, cursorPath: /next_cursor }
      records: /data
      id: /id
${mapping}
# Pushes: signed with the shared secret (providers.${provider}.pushSecret) as ${header}-Signature: t=…,v1=…
webhook:
  verify: { scheme: terra, header: ${header}-Signature, toleranceSeconds: 300 }
  userId: /user_id
  eventType: /event
  events:
    activity.created: { action: records, dataType: activity, records: /activities }
    "*": { action: ignore, reason: events this connector does not use }
  examples:
    - description: a finished workout
      body:
        event: activity.created
        user_id: user-1
        activities:
          - { id: a-104, name: Recovery spin, sport: cycling, start_time: "2026-01-10T09:00:00+01:00", end_time: "2026-01-10T09:30:00+01:00", calories: 240, distance_km: 12.5, avg_heart_rate: 118, max_heart_rate: 131 }

sync:
  backfillDays: 30
  reconcileDays: 2
`;
}

function iconSvg(names: ConnectorNames): string {
  const initials = names.display
    .split(/\s+/)
    .map((word) => word[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="${names.display.replace(/[<>&"]/g, "")}">
  <rect width="64" height="64" rx="14" fill="#1f4e79"/>
  <text x="32" y="41" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="24" font-weight="700" fill="#ffffff">${initials}</text>
</svg>
`;
}

function readme(names: ConnectorNames, kind: ScaffoldKind): string {
  const where = kind === "yaml" ? "`connector.yaml` (`mappings.activity`)" : "`src/map-activity.ts` (a map hook; the rest of the spec is `connector.yaml`)";
  return `# ${names.provider}

${names.display}: workouts as Terra activities. The mapping is in ${where}.

## Mapping (${names.display} field → Terra Activity)

| ${names.display} | Terra | notes |
|---|---|---|
| \`id\` | \`metadata.summary_id\` | required; the natural key |
| \`name\` | \`metadata.name\` | |
| \`sport\` | \`metadata.type\` | cycling 1, running 8, walking 7, anything else 108 (Other) |
| \`start_time\`, \`end_time\` | \`metadata.start_time\`, \`end_time\` | ISO 8601 with offset |
| \`calories\` | \`calories_data.total_burned_calories\` | kcal |
| \`distance_km\` | \`distance_data.summary.distance_meters\` | × 1000 |
| \`avg_heart_rate\`, \`max_heart_rate\` | \`heart_rate_data.summary.avg_hr_bpm\`, \`max_hr_bpm\` | |

## Configuration

\`\`\`yaml
providers:
  ${names.provider}:
    clientId: \${${names.provider}_CLIENT_ID}
    clientSecret: \${${names.provider}_CLIENT_SECRET}
    pushSecret: \${${names.provider}_PUSH_SECRET}
\`\`\`

## Folder

| path | what |
|---|---|
| \`connector.yaml\` | the spec |${kind === "typescript" ? "\n| `src/` | the connector module (`index.ts`) and its map hook |" : ""}
| \`fixtures/\` | what the mock serves: \`users.json\` (the provider's accounts) and \`activities.json\` (the records of the \`activities\` stream) |
| \`test/\` | the spec, its examples, a pull through the mock and the example pushes |
`;
}

function packageJson(names: ConnectorNames, kind: ScaffoldKind): string {
  const pkg =
    kind === "yaml"
      ? {
          name: `@tributary/connector-${names.slug}`,
          version: "0.1.0",
          private: true,
          license: "MIT",
          type: "module",
          exports: { "./connector.yaml": "./connector.yaml", "./package.json": "./package.json" },
          devDependencies: { "@tributary/core": "workspace:*", "@tributary/schemas": "workspace:*", "@tributary/test-kit": "workspace:*" },
        }
      : {
          name: `@tributary/connector-${names.slug}`,
          version: "0.1.0",
          private: true,
          license: "MIT",
          type: "module",
          exports: { ".": "./src/index.ts" },
          dependencies: { "@tributary/core": "workspace:*", "@tributary/schemas": "workspace:*" },
          devDependencies: { "@tributary/test-kit": "workspace:*" },
        };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function indexTs(names: ConnectorNames): string {
  return `import { loadConnectorFile } from "@tributary/core/spec";
import { mapActivity } from "./map-activity.ts";

/** ${names.provider}: the spec is connector.yaml; what it cannot say is a hook (here, the activity mapping). */
export default loadConnectorFile(new URL("../connector.yaml", import.meta.url), { hooks: { map: { activity: mapActivity } } });
`;
}

function mapActivityTs(names: ConnectorNames): string {
  return `import type { MapHook } from "@tributary/core/spec";
import { terraTimestamp, utcOffsetMinutesOf } from "@tributary/schemas";

/** A ${names.display} workout, as its API answers it. */
interface Workout {
  id: string | number;
  name?: string;
  sport?: string;
  start_time: string;
  end_time: string;
  calories?: number;
  distance_km?: number;
  avg_heart_rate?: number;
  max_heart_rate?: number;
}

const SPORTS: Readonly<Record<string, number>> = { cycling: 1, running: 8, walking: 7 };
const OTHER = 108;

/** A ${names.display} workout → a Terra Activity (return null to skip a record without quarantining it). */
export const mapActivity: MapHook = (record) => {
  const workout = record as unknown as Workout;
  return {
    metadata: {
      summary_id: String(workout.id),
      ...(workout.name !== undefined ? { name: workout.name } : {}),
      type: (workout.sport !== undefined ? SPORTS[workout.sport] : undefined) ?? OTHER,
      upload_type: 1,
      start_time: terraTime(workout.start_time, "start_time"),
      end_time: terraTime(workout.end_time, "end_time"),
    },
    ...(workout.calories !== undefined ? { calories_data: { total_burned_calories: workout.calories } } : {}),
    ...(workout.distance_km !== undefined ? { distance_data: { summary: { distance_meters: Math.round(workout.distance_km * 10_000) / 10 } } } : {}),
    heart_rate_data: { summary: { avg_hr_bpm: workout.avg_heart_rate, max_hr_bpm: workout.max_heart_rate } },
  };
};

/** "2026-01-05T07:00:00+01:00" → Terra's "2026-01-05T07:00:00.000000+01:00", at the offset the provider wrote. */
function terraTime(text: string, field: string): string {
  const epochMs = Date.parse(text);
  const offset = utcOffsetMinutesOf(text);
  if (!Number.isFinite(epochMs) || offset === undefined) throw new Error(\`\${field} \${JSON.stringify(text)} is not an ISO 8601 time with an offset\`);
  return terraTimestamp(epochMs, offset);
}
`;
}

function connectorTest(names: ConnectorNames, kind: ScaffoldKind): string {
  const load =
    kind === "yaml"
      ? `const definition = loadConnectorFile(dir);`
      : `import connector from "../src/index.ts";

const definition = connector;`;
  const imports =
    kind === "yaml"
      ? `import { loadConnectorFile, validateConnector } from "@tributary/core/spec";`
      : `import { validateConnector } from "@tributary/core/spec";`;
  return `import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkConnectorExamples } from "@tributary/core/authoring";
import { verifyTerraSignature } from "@tributary/core/contracts";
import { loadMockFixtures, signPush } from "@tributary/core/mock-provider";
${imports}
import { pullFromMock } from "@tributary/test-kit/connector";

const dir = fileURLToPath(new URL("..", import.meta.url));
${load}

describe("${names.provider} connector", () => {
  it("is a valid connector: meta-schema, cross-checks and icon", async () => {
    const validation = await validateConnector(dir);
    expect(validation.problems).toEqual([]);
  });

  it("maps every example of its spec to a valid Terra record (equal to its expected output where one is given)", async () => {
    const report = await checkConnectorExamples(definition);
    expect(report.checks.filter((check) => check.outcome === "failed" || check.outcome === "mismatch")).toEqual([]);
    expect(report.checks.filter((check) => check.outcome === "record").length).toBeGreaterThan(0);
  });

  it("reads its fixtures back from the mock through every page and maps them", async () => {
    const fixtures = await loadMockFixtures(join(dir, "fixtures"), definition.spec);
    const window = { start: new Date("2026-01-05T00:00:00Z"), end: new Date("2026-01-12T00:00:00Z") };
    const pull = await pullFromMock(definition, { fixtures, user: fixtures.users[0]!, window });
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.activities).toMatchObject({ pages: 2, records: 3 });
    expect(pull.delivered().map((record: any) => record.metadata.summary_id)).toEqual(["a-101", "a-102", "a-103"]);
  });

  it("verifies its example pushes signed with the shared secret, and refuses another secret", () => {
    const webhook = definition.spec.webhook!;
    if (webhook.verify.scheme !== "terra") throw new Error("this test checks the terra scheme; adapt it to the provider's");
    const header = webhook.verify.header.toLowerCase();
    for (const example of webhook.examples ?? []) {
      const push = signPush({ verify: webhook.verify, payload: example.body, secret: "shared-secret" });
      expect(verifyTerraSignature(push.headers[header], push.body, "shared-secret").ok).toBe(true);
      expect(verifyTerraSignature(push.headers[header], push.body, "another-secret").ok).toBe(false);
    }
  });
});
`;
}
