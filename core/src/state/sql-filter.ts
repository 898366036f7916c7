/** Collects optional WHERE conditions with numbered parameters, for list/count queries. */
export interface SqlFilter {
  readonly params: unknown[];
  /** Adds a parameter and returns its placeholder (`$n`). */
  bind(value: unknown): string;
  add(condition: string): void;
  /** `WHERE a AND b`, or "" when nothing was added. */
  where(): string;
}

export function createSqlFilter(): SqlFilter {
  const params: unknown[] = [];
  const conditions: string[] = [];
  return {
    params,
    bind(value) {
      params.push(value);
      return `$${params.length}`;
    },
    add(condition) {
      conditions.push(condition);
    },
    where() {
      return conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
    },
  };
}
