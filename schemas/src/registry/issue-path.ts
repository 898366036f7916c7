const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSON pointer "/data/0/metadata/start_time" -> "data[0].metadata.start_time" (root is ""). */
export function pointerToPath(pointer: string): string {
  if (pointer === "") return "";
  let path = "";
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === "" ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** How a path is shown at the start of a message. */
export const displayPath = (path: string): string => (path === "" ? "(root)" : path);

/** The pointer of a member of the value at `pointer`. */
export const childPointer = (pointer: string, key: string): string => `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;

/**
 * An issue's path back into its segments ("streams.activity[0].paging" → ["streams", "activity", 0,
 * "paging"]), to find the spot in a source file. Numbers are array indexes or keys written as digits.
 */
export function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const token = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let match: RegExpExecArray | null;
  while (token.lastIndex < path.length && (match = token.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3] ?? '""') as string);
  }
  return segments;
}
