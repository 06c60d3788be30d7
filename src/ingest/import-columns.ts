/**
 * Header names as the built-in formats match them. Exports from spreadsheets and CRMs spell the
 * same column `Email`, `E-mail` or `email address`, `Created_At` or `created at`: the built-in
 * formats compare names normalized, so each spelling finds its field. Mappings written by users
 * keep exact names (they name the file's columns themselves).
 */

/** Trimmed, lower-case, runs of spaces, hyphens and underscores as one `_`. */
export function normalizeColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}

/**
 * Finds a file's column by a canonical name (or one of its synonyms, in order of preference):
 * an exact match first, then a normalized one. Gives back the canonical name when the file has
 * no such column, so a required field's error still names what the format expects.
 */
export function columnFinder(columns: readonly string[]): (canonical: string, synonyms?: readonly string[]) => string {
  const byNormal = new Map<string, string>();
  for (const c of columns) {
    const key = normalizeColumnName(c);
    if (!byNormal.has(key)) byNormal.set(key, c);
  }
  return (canonical, synonyms = []) => {
    if (columns.includes(canonical)) return canonical;
    for (const name of [canonical, ...synonyms]) {
      const found = byNormal.get(normalizeColumnName(name));
      if (found !== undefined) return found;
    }
    return canonical;
  };
}
