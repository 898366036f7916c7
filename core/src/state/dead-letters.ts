import { redactSecrets } from "../redaction/index.ts";
import type { Database } from "./database.ts";
import type { AddDeadLetterInput, DeadLetter, DeadLettersFilter, ListDeadLettersFilter } from "./dead-letter-types.ts";
import { invalidArgument, returnedRow } from "./state-errors.ts";
import { createSqlFilter } from "./sql-filter.ts";
import type { TokenCipher } from "./token-cipher.ts";
import { assertId, assertNonEmpty, errorText, jsonParam, limitParam, timestampParam, toId, toIso, toIsoOrNull } from "./sql-values.ts";

export interface DeadLetterRepository {
  addDeadLetter(input: AddDeadLetterInput): Promise<number>;
  /**
   * The dead letter of one failed job, once: undefined (nothing written) when a dead letter with this
   * `jobKey` exists already, so every process that sees the failure may try.
   */
  addJobDeadLetter(input: AddDeadLetterInput & { jobKey: string }): Promise<number | undefined>;
  /** Newest first; replayed ones only when asked. */
  listDeadLetters(filter?: ListDeadLettersFilter): Promise<DeadLetter[]>;
  /** How many a filter selects (unreplayed only unless asked): the total of a bulk replay. */
  countDeadLetters(filter?: DeadLettersFilter): Promise<number>;
  getDeadLetter(id: number): Promise<DeadLetter | undefined>;
  /**
   * The job data to replay: the original when secrets were scrubbed from what `getDeadLetter` shows
   * (decrypted from its sealed copy), else the job data as shown. Undefined for an unknown id.
   */
  openDeadLetterJob(id: number): Promise<unknown>;
  /**
   * Claims a dead letter for replay. False when it does not exist or was already replayed, so two
   * operators replaying at once cannot both re-enqueue it.
   */
  markReplayed(id: number): Promise<boolean>;
}

const COLUMNS = `id, queue, destination, trace_id, job_name, job_data, error, error_code, attempts, created_at, replayed_at`;

/** Binds a sealed job to its dead letter: copied into another row it does not decrypt. */
const sealedJobAad = (id: number): string => `dead_letters:${id}:job_data`;

export function createDeadLetterRepository(db: Database, cipher: TokenCipher): DeadLetterRepository {
  const insert = async (input: AddDeadLetterInput, jobKey: string | null) => {
    if (input.jobData === undefined || input.jobData === null) throw invalidArgument("jobData is required to replay a job");
    const attempts = input.attempts ?? 0;
    if (!Number.isInteger(attempts) || attempts < 0) throw invalidArgument(`attempts must be a non-negative integer`);
    const shown = redactSecrets(input.jobData, input.secrets);
    // The row's id is taken first when the original is sealed, so its ciphertext is bound to it in one INSERT.
    let sealed: { id: number; ciphertext: string } | undefined;
    if (shown.changed) {
      const { rows } = await db.query<{ id: unknown }>(`SELECT nextval(pg_get_serial_sequence('dead_letters', 'id')) AS id`);
      const id = toId(returnedRow(rows).id);
      sealed = { id, ciphertext: cipher.encryptJson(input.jobData, sealedJobAad(id)) };
    }
    const { rows } = await db.query<{ id: unknown }>(
      `INSERT INTO dead_letters (${sealed ? "id, job_data_ciphertext, " : ""}queue, destination, trace_id, job_name, job_data, error, error_code, attempts, job_key)
       ${sealed ? "OVERRIDING SYSTEM VALUE" : ""}
       VALUES (${sealed ? "$10, $11, " : ""}$1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
       ${jobKey === null ? "" : "ON CONFLICT (job_key) WHERE job_key IS NOT NULL DO NOTHING"} RETURNING id`,
      [
        assertNonEmpty(input.queue, "queue"),
        input.destination ?? null,
        input.traceId ?? null,
        assertNonEmpty(input.jobName, "jobName"),
        jsonParam(shown.value),
        errorText(input.error),
        input.errorCode ?? null,
        attempts,
        jobKey,
        ...(sealed ? [sealed.id, sealed.ciphertext] : []),
      ],
    );
    return rows[0] === undefined ? undefined : toId(rows[0].id);
  };

  return {
    async addDeadLetter(input) {
      const id = await insert(input, null);
      return returnedRow(id === undefined ? [] : [id]);
    },

    async addJobDeadLetter(input) {
      return insert(input, assertNonEmpty(input.jobKey, "jobKey"));
    },

    async listDeadLetters(filter = {}) {
      const sql = filtered(filter);
      const limit = sql.bind(limitParam(filter.limit));
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM dead_letters ${sql.where()} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
        sql.params,
      );
      return rows.map(toDeadLetter);
    },

    async countDeadLetters(filter = {}) {
      const sql = filtered(filter);
      const { rows } = await db.query<{ count: unknown }>(`SELECT count(*) AS count FROM dead_letters ${sql.where()}`, sql.params);
      return Number(rows[0]?.count ?? 0);
    },

    async getDeadLetter(id) {
      const { rows } = await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`, [assertId(id, "id")]);
      return rows[0] === undefined ? undefined : toDeadLetter(rows[0]);
    },

    async openDeadLetterJob(id) {
      const { rows } = await db.query<{ job_data: unknown; job_data_ciphertext: string | null }>(
        "SELECT job_data, job_data_ciphertext FROM dead_letters WHERE id = $1",
        [assertId(id, "id")],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return row.job_data_ciphertext == null ? row.job_data : cipher.decryptJson(row.job_data_ciphertext, sealedJobAad(id));
    },

    async markReplayed(id) {
      const { rows } = await db.query("UPDATE dead_letters SET replayed_at = now() WHERE id = $1 AND replayed_at IS NULL RETURNING id", [assertId(id, "id")]);
      return rows.length > 0;
    },
  };
}

function filtered(filter: DeadLettersFilter) {
  const sql = createSqlFilter();
  if (filter.destination !== undefined) sql.add(`destination = ${sql.bind(filter.destination)}`);
  if (filter.queue !== undefined) sql.add(`queue = ${sql.bind(filter.queue)}`);
  if (filter.errorCode !== undefined) sql.add(`error_code = ${sql.bind(filter.errorCode)}`);
  if (filter.since !== undefined) sql.add(`created_at >= ${sql.bind(timestampParam(filter.since, "since"))}`);
  if (filter.until !== undefined) sql.add(`created_at < ${sql.bind(timestampParam(filter.until, "until"))}`);
  if (filter.includeReplayed !== true) sql.add("replayed_at IS NULL");
  return sql;
}

function toDeadLetter(row: Record<string, unknown>): DeadLetter {
  return {
    id: toId(row.id),
    queue: String(row.queue),
    destination: (row.destination as string | null) ?? null,
    trace_id: (row.trace_id as string | null) ?? null,
    job_name: String(row.job_name),
    job_data: row.job_data,
    error: (row.error as string | null) ?? null,
    error_code: (row.error_code as string | null) ?? null,
    attempts: Number(row.attempts),
    created_at: toIso(row.created_at),
    replayed_at: toIsoOrNull(row.replayed_at),
  };
}
