import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Delivery, DeliveryPayload } from "@tributary/core/contracts";
import { ErrorCodes, TributaryError } from "@tributary/core/contracts";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser, type TestUser } from "@tributary/test-kit";
import { createSqlDestination, type SqlOptions } from "../src/index.ts";
import {
  createInspector,
  openDestination,
  readStoredEvents,
  readStoredRecords,
  recordingContext,
  uniqueOptions,
  type Dialect,
  type OpenedDestination,
} from "./sql-services.ts";

const inspector = createInspector();
afterAll(() => inspector.close());

const lifecycle = (type: string, user: TestUser, extra: Record<string, unknown> = {}): DeliveryPayload => ({
  type,
  status: "success",
  message: `${type} happened`,
  user,
  ...extra,
});

const failureOf = (promise: Promise<unknown>): Promise<TributaryError> =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(TributaryError);
      return error as TributaryError;
    },
  );

describe.each<Dialect>(["postgres", "mysql"])("sql destination on %s", (dialect) => {
  const opened: OpenedDestination[] = [];
  const open = (extra: Partial<SqlOptions> = {}): OpenedDestination => {
    const made = openDestination(dialect, extra);
    opened.push(made);
    return made;
  };
  /** Same tables as `first`: a second process sharing them. */
  const openAlongside = (first: OpenedDestination): OpenedDestination => {
    const made = { destination: createSqlDestination(first.options, recordingContext()), options: first.options };
    opened.push(made);
    return made;
  };

  afterEach(async () => {
    const dropped = new Set<SqlOptions>();
    for (const { destination, options } of opened.splice(0)) {
      await destination.close();
      if (!dropped.has(options)) await inspector.drop(options);
      dropped.add(options);
    }
  });

  const userRow = async (options: SqlOptions, userId: string) => {
    const rows = await inspector.query(options, (t) => `SELECT state, active, reference_id, provider FROM ${t("users")} WHERE user_id = ?`, [userId]);
    const row = rows[0];
    return row && { ...row, active: row.active === null ? null : Boolean(row.active) };
  };

  it("stores each data type in its own table under its natural key", async () => {
    const { destination, options } = open();
    const user = testUser();
    const day = (date: string) => ({ metadata: { start_time: `${date}T00:00:00.000000+02:00`, end_time: `${date}T23:59:59+02:00` } });
    await destination.write([
      delivery(dataPayload("activity", user, [activityRecord("act-1", "2026-11-02T07:00:00.000000+00:00")])),
      delivery(dataPayload("sleep", user, [{ metadata: { summary_id: "sleep-1", start_time: "2026-11-02T22:00:00+00:00" } }])),
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-02", 100)])),
      delivery(dataPayload("body", user, [day("2026-11-03")])),
      delivery(dataPayload("nutrition", user, [day("2026-11-04")])),
      delivery(dataPayload("menstruation", user, [day("2026-11-05")])),
      delivery({ type: "athlete", user, athlete: { first_name: "Ada" }, version: "2022-03-16" }),
    ]);
    const stored = await readStoredRecords(inspector, options, user.user_id);
    expect(stored.map((r) => `${r.type}:${r.key}`).sort()).toEqual([
      "activity:act-1",
      `athlete:${user.user_id}`,
      "body:2026-11-03",
      "daily:2026-11-02",
      "menstruation:2026-11-05",
      "nutrition:2026-11-04",
      "sleep:sleep-1",
    ]);
    expect(stored.find((r) => r.type === "athlete")?.record).toEqual({ first_name: "Ada" });
    const times = await inspector.query(options, (t) => `SELECT start_time, end_time FROM ${t("activity")} WHERE user_id = ?`, [user.user_id]);
    expect(new Date(`${String(times[0]?.start_time)}${dialect === "mysql" ? "Z" : ""}`).toISOString()).toBe("2026-11-02T07:00:00.000Z");
    expect(await userRow(options, user.user_id)).toMatchObject({ state: "active", reference_id: user.reference_id, provider: "SANDBOX" });
  });

  it("records auth and deauth in the events table and keeps the user's state", async () => {
    const { destination, options } = open();
    const user = testUser();
    const deauth = delivery(lifecycle("deauth", user), { orderingTimestamp: 3_000 });
    await destination.write([delivery(lifecycle("auth", user), { orderingTimestamp: 1_000 })]);
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 10)]), { orderingTimestamp: 2_000 })]);
    expect(await userRow(options, user.user_id)).toMatchObject({ state: "active", active: true });

    await destination.write([deauth]);
    await destination.write([deauth]);
    expect(await userRow(options, user.user_id)).toMatchObject({ state: "deauth", active: false });
    const events = await readStoredEvents(inspector, options, user.user_id);
    expect(events.map((e) => e.type)).toEqual(["auth", "deauth"]);
    expect(events[1]?.record).toMatchObject({ type: "deauth", user: { user_id: user.user_id } });

    // A late data payload or a stale auth must not revive the deauthenticated user.
    await destination.write([
      delivery(dataPayload("daily", user, [dailyRecord("2026-11-05", 10)]), { orderingTimestamp: 4_000 }),
      delivery(lifecycle("auth", user), { orderingTimestamp: 2_500 }),
    ]);
    expect(await userRow(options, user.user_id)).toMatchObject({ state: "deauth" });
    expect((await readStoredEvents(inspector, options, user.user_id)).map((e) => e.type)).toEqual(["auth", "auth", "deauth"]);

    await destination.write([delivery(lifecycle("access_revoked", user, { status: "warning" }), { orderingTimestamp: 5_000 })]);
    expect(await userRow(options, user.user_id)).toMatchObject({ state: "revoked", active: false });
  });

  it("user_reauth activates the new user id and marks the old one", async () => {
    const { destination, options } = open();
    const oldUser = testUser();
    const newUser = testUser({ reference_id: oldUser.reference_id });
    await destination.write([delivery(lifecycle("auth", oldUser), { orderingTimestamp: 1_000 })]);
    await destination.write([
      delivery({ type: "user_reauth", status: "warning", new_user: newUser, old_user: oldUser, version: "2022-03-16" }, { orderingTimestamp: 2_000 }),
    ]);
    expect(await userRow(options, oldUser.user_id)).toMatchObject({ state: "user_reauth", active: false });
    expect(await userRow(options, newUser.user_id)).toMatchObject({ state: "active", active: true, reference_id: oldUser.reference_id });
    expect((await readStoredEvents(inspector, options, newUser.user_id)).map((e) => e.type)).toEqual(["user_reauth"]);
  });

  it("an older payload never overwrites a newer one, in separate writes or in one batch", async () => {
    const { destination, options } = open();
    const user = testUser();
    const newer = delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 9000)]), { orderingTimestamp: 2_000 });
    const older = delivery(dataPayload("daily", { ...user, reference_id: "stale-ref" }, [dailyRecord("2026-11-04", 1000)]), {
      orderingTimestamp: 1_000,
    });
    const storedSteps = async () => {
      const stored = await readStoredRecords(inspector, options, user.user_id);
      expect(stored).toHaveLength(1);
      return (stored[0]!.record.distance_data as { steps: number }).steps;
    };
    await destination.write([newer]);
    await destination.write([older]);
    expect(await storedSteps()).toBe(9000);
    const [row] = await inspector.query(options, (t) => `SELECT trace_id, ordering_ts FROM ${t("daily")} WHERE user_id = ?`, [user.user_id]);
    expect(row).toMatchObject({ trace_id: newer.traceId });
    expect(Number(row?.ordering_ts)).toBe(2_000);
    await destination.write([older, newer]);
    expect(await storedSteps()).toBe(9000);
    await destination.write([newer, older]);
    expect(await storedSteps()).toBe(9000);
    expect(await userRow(options, user.user_id)).toMatchObject({ reference_id: user.reference_id });
  });

  it("migrates once, idempotently, when two processes start on the same tables at once", async () => {
    const first = open();
    const second = openAlongside(first);
    await Promise.all([first.destination.check({ write: true }), second.destination.check({ write: true }), first.destination.write([])]);
    const third = openAlongside(first);
    await third.destination.check({ write: true });
    const versions = await inspector.query(first.options, (t) => `SELECT version FROM ${t("schema_version")}`);
    expect(versions.map((v) => Number(v.version))).toEqual([1]);
    const user = testUser();
    await second.destination.write([delivery(dataPayload("activity", user, [activityRecord("x", "2026-11-02T07:00:00+00:00")]))]);
    expect(await readStoredRecords(inspector, first.options, user.user_id)).toHaveLength(1);
  });

  it("writes a large batch (600 records over 60 payloads) in one call", async () => {
    const { destination, options } = open();
    const user = testUser();
    const batch: Delivery[] = Array.from({ length: 60 }, (_, p) =>
      delivery(
        dataPayload(
          "activity",
          user,
          Array.from({ length: 10 }, (_, i) => activityRecord(`run-${p}-${i}`, "2026-11-02T07:00:00.000000+00:00")),
        ),
      ),
    );
    await destination.write(batch);
    const [count] = await inspector.query(options, (t) => `SELECT COUNT(*) AS n FROM ${t("activity")} WHERE user_id = ?`, [user.user_id]);
    expect(Number(count?.n)).toBe(600);
  });

  it("a batch is all or nothing: one record the server rejects leaves none of it stored", async () => {
    const { destination, options } = open();
    const user = testUser();
    // Too long for the key column on MySQL and for a btree index entry on PostgreSQL.
    const hugeKey = Array.from({ length: 300 }, () => randomUUID()).join("");
    const error = await failureOf(
      destination.write([
        delivery(dataPayload("activity", user, [activityRecord("fine", "2026-11-02T07:00:00+00:00")])),
        delivery(lifecycle("auth", user)),
        delivery(dataPayload("activity", user, [activityRecord(hugeKey, "2026-11-02T08:00:00+00:00")])),
      ]),
    );
    expect(error.errorClass).toBe("user");
    expect(error.code).toBe(ErrorCodes.DESTINATION_REJECTED);
    expect(error.message).not.toContain(hugeKey);
    expect(await readStoredRecords(inspector, options, user.user_id)).toEqual([]);
    expect(await readStoredEvents(inspector, options, user.user_id)).toEqual([]);
    expect(await userRow(options, user.user_id)).toBeUndefined();
  });

  it("keeps text with NUL characters and lone surrogates that JSON columns refuse", async () => {
    const { destination, options } = open();
    const user = testUser();
    await destination.write([
      delivery(dataPayload("activity", user, [activityRecord("odd", "2026-11-02T07:00:00+00:00", { device_data: { name: "a\u0000b\ud800c\\u0000" } })])),
    ]);
    const [stored] = await readStoredRecords(inspector, options, user.user_id);
    expect((stored!.record.device_data as { name: string }).name).toBe("a\ufffdb\ufffdc\\u0000");
  });

  it("delete(user) also erases the user's events and users row", async () => {
    const { destination, options } = open();
    const gone = testUser();
    const kept = testUser();
    await destination.write([delivery(lifecycle("auth", gone)), delivery(lifecycle("auth", kept))]);
    await destination.write([delivery(dataPayload("daily", gone, [dailyRecord("2026-11-04", 1)]))]);
    await destination.delete(gone);
    await destination.delete(gone);
    expect(await readStoredRecords(inspector, options, gone.user_id)).toEqual([]);
    expect(await readStoredEvents(inspector, options, gone.user_id)).toEqual([]);
    expect(await userRow(options, gone.user_id)).toBeUndefined();
    expect(await readStoredEvents(inspector, options, kept.user_id)).toHaveLength(1);
    expect(await userRow(options, kept.user_id)).toMatchObject({ state: "active" });
  });

  it("an unreachable server is a retryable error that never shows the password", async () => {
    const password = `pw-${randomUUID()}`;
    const context = recordingContext();
    const destination = createSqlDestination(uniqueOptions(dialect, { host: "127.0.0.1", port: 1, password }), context);
    try {
      const error = await failureOf(destination.check());
      expect(error.errorClass).toBe("transient");
      expect(error.code).toBe(ErrorCodes.DESTINATION_UNAVAILABLE);
      const written = await failureOf(destination.write([delivery(dataPayload("daily", testUser(), [dailyRecord("2026-11-07", 1)]))]));
      expect(written.code).toBe(ErrorCodes.DESTINATION_UNAVAILABLE);
      for (const text of [error.message, error.hint ?? "", error.toOperatorString(), JSON.stringify(error), ...context.lines]) {
        expect(text).not.toContain(password);
      }
    } finally {
      await destination.close();
    }
  });

  it("an unknown database is a configuration error with a hint", async () => {
    const destination = createSqlDestination(uniqueOptions(dialect, { database: `no_such_db_${randomUUID().slice(0, 8)}` }), recordingContext());
    try {
      const error = await failureOf(destination.check());
      expect(error.errorClass).toBe("user");
      expect(error.code).toBe(ErrorCodes.DESTINATION_CONFIG);
      expect(error.hint).toMatch(/database/);
    } finally {
      await destination.close();
    }
  });

  it("a user without the right to create tables gets a permission error", async () => {
    const role = `tributary_ro_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
    const admin = uniqueOptions(dialect);
    // The account exists and may log in, but may not create the schema (PostgreSQL) or tables (MariaDB).
    const grant =
      dialect === "postgres"
        ? [`CREATE ROLE ${role} LOGIN`]
        : [`CREATE USER '${role}'@'%' IDENTIFIED BY 'pw-${role}'`, `GRANT SELECT ON test.* TO '${role}'@'%'`];
    const revoke = dialect === "postgres" ? [`DROP ROLE IF EXISTS ${role}`] : [`DROP USER IF EXISTS '${role}'@'%'`];
    for (const sql of grant) await inspector.query(admin, () => sql);
    const destination = createSqlDestination(uniqueOptions(dialect, { user: role, password: `pw-${role}` }), recordingContext());
    try {
      const error = await failureOf(destination.check({ write: true }));
      expect(error.errorClass).toBe("user");
      expect(error.code).toBe(ErrorCodes.DESTINATION_AUTH);
      expect(error.message).toMatch(/permission denied/);
      expect(error.hint).toMatch(/CREATE/);
    } finally {
      await destination.close();
      for (const sql of revoke) await inspector.query(admin, () => sql);
    }
  });

  it("close() waits for a write in progress and the destination reconnects when used again", async () => {
    const { destination, options } = open();
    const user = testUser();
    const writing = destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-04", 5)]))]);
    await destination.close();
    await writing;
    expect(await readStoredRecords(inspector, options, user.user_id)).toHaveLength(1);
    await destination.write([delivery(dataPayload("daily", user, [dailyRecord("2026-11-05", 5)]))]);
    expect(await readStoredRecords(inspector, options, user.user_id)).toHaveLength(2);
  });
});
