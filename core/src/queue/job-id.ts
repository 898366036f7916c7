/** BullMQ reserves ":" in custom job ids (it separates Redis key parts), so parts are joined with "|". */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((part) => String(part).replaceAll(":", ".")).join("|");
}
