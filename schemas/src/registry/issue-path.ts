const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSON pointer "/data/0/metadata/start_time" -> "data[0].metadata.start_time" (root is ""). */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** How a path is shown at the start of a message. */
export const displayPath = (path: string): string => (path === '' ? '(root)' : path);
