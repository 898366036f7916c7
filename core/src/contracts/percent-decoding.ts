/**
 * Percent-decoding of text nobody has checked yet (a URL's user or password, a path segment, a header): a
 * malformed escape (a stray `%`) leaves the text as it was rather than throwing.
 */
export function percentDecoded(text: string): string {
  return decodedOr(text, text);
}

/** The same for form encoding (`application/x-www-form-urlencoded`, Basic credentials), where `+` is a space. */
export function formDecoded(text: string): string {
  return decodedOr(text, text.replaceAll("+", " "));
}

function decodedOr(text: string, encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return text;
  }
}
