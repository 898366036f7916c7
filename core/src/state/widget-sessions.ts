import { randomUUID } from "node:crypto";
import type { Database } from "./database.ts";
import { invalidArgument, returnedRow } from "./state-errors.ts";
import { assertNonEmpty, toIso } from "./sql-values.ts";
import type { CreateWidgetSessionInput, WidgetSession } from "./widget-session-types.ts";

export interface WidgetSessionRepository {
  createWidgetSession(input: CreateWidgetSessionInput): Promise<WidgetSession>;
  /** The live session (the widget page may be opened more than once); undefined when unknown or expired. */
  getWidgetSession(id: string): Promise<WidgetSession | undefined>;
  /** The session whether live or expired (not yet purged), to tell the user which; undefined when unknown or ended. */
  lookupWidgetSession(id: string): Promise<{ session: WidgetSession; expired: boolean } | undefined>;
  /**
   * A user connected through it, gave up, or came back too late: the session's page is not offered again.
   * Whether it was live or expired when this call ended it; `gone` when another call had ended it (or it never was).
   */
  endWidgetSession(id: string): Promise<"live" | "expired" | "gone">;
  purgeExpiredWidgetSessions(): Promise<number>;
}

export const DEFAULT_WIDGET_SESSION_TTL_SECONDS = 900;

const COLUMNS = "id, developer_id, providers, language, reference_id, success_redirect_url, failure_redirect_url, created_at, expires_at";

function toSession(row: Record<string, unknown>): WidgetSession {
  return {
    id: String(row.id),
    developer_id: String(row.developer_id),
    providers: String(row.providers)
      .split(",")
      .filter((provider) => provider !== ""),
    language: (row.language as string | null) ?? null,
    reference_id: (row.reference_id as string | null) ?? null,
    success_redirect_url: (row.success_redirect_url as string | null) ?? null,
    failure_redirect_url: (row.failure_redirect_url as string | null) ?? null,
    created_at: toIso(row.created_at),
    expires_at: toIso(row.expires_at),
  };
}

export function createWidgetSessionRepository(db: Database): WidgetSessionRepository {
  return {
    async createWidgetSession(input) {
      const ttl = input.ttlSeconds ?? DEFAULT_WIDGET_SESSION_TTL_SECONDS;
      if (!Number.isFinite(ttl)) throw invalidArgument("ttlSeconds must be a finite number");
      // Provider names are upper-case identifiers: a comma list is unambiguous.
      if (input.providers.some((provider) => !/^[A-Z][A-Z0-9_]*$/.test(provider))) throw invalidArgument("provider names must be upper-case identifiers");
      const { rows } = await db.query<Record<string, unknown>>(
        `INSERT INTO widget_sessions (id, developer_id, providers, language, reference_id, success_redirect_url, failure_redirect_url, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8::double precision * interval '1 second') RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          assertNonEmpty(input.developerId, "developerId"),
          input.providers.join(","),
          input.language ?? null,
          input.referenceId ?? null,
          input.successRedirectUrl ?? null,
          input.failureRedirectUrl ?? null,
          ttl,
        ],
      );
      return toSession(returnedRow(rows));
    },

    async getWidgetSession(id) {
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM widget_sessions WHERE id = $1 AND expires_at > now()`, [id]);
      return rows[0] === undefined ? undefined : toSession(rows[0]);
    },

    async lookupWidgetSession(id) {
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS}, expires_at > now() AS live FROM widget_sessions WHERE id = $1`, [id]);
      const row = rows[0];
      return row === undefined ? undefined : { session: toSession(row), expired: row.live !== true };
    },

    async endWidgetSession(id) {
      const { rows } = await db.query<{ live: unknown }>("DELETE FROM widget_sessions WHERE id = $1 RETURNING expires_at > now() AS live", [id]);
      const row = rows[0];
      return row === undefined ? "gone" : row.live === true ? "live" : "expired";
    },

    async purgeExpiredWidgetSessions() {
      const { rows } = await db.query<{ count: unknown }>(
        "WITH gone AS (DELETE FROM widget_sessions WHERE expires_at <= now() RETURNING 1) SELECT count(*) AS count FROM gone",
      );
      return Number(rows[0]?.count ?? 0);
    },
  };
}
