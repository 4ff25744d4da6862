/**
 * The one case-folding rule of both adapters: ASCII letters A–Z fold to a–z, and nothing else folds
 * ("É" and "é", "ß" and "SS", "İ" and "i" stay different). It is the rule SQLite applies natively
 * (COLLATE NOCASE, LIKE, lower()), so the MongoDB adapter follows it rather than the reverse:
 * its lower-cased shadow fields are written with foldCase and its case-insensitive regexes are built
 * with foldingPattern instead of the server's Unicode-aware `i` option.
 */
export function foldCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Regex metacharacters escaped, for a literal match. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A regex source matching `text` literally, ASCII letters in either case (`Ab.` → `[aA][bB]\.`). */
export function foldingPattern(text: string): string {
  return [...text].map((c) => (/[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegex(c))).join('');
}
