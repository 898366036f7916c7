/**
 * The template variables an answer offers a stream's recordFields: `answered_at`, when the provider answered
 * (its Date header as an ISO date-time). It dates records that carry no time of their own — a current value
 * such as WHOOP's body measurement — by what the provider said, not by our clock. Absent when the answer has
 * no valid Date header (a template that needs it then says so).
 */
export function answerVariables(headers: Readonly<Record<string, string>>): { answered_at?: string } {
  const date = headers.date;
  const time = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isFinite(time) ? { answered_at: new Date(time).toISOString() } : {};
}
