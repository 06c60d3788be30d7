/**
 * Where a line's bytes stop being UTF-8. NDJSON lines are read as latin1 (one char per byte, so
 * nothing is lost) and decoded here: a line with bytes that are not UTF-8 is quarantined with
 * the column of the first bad byte instead of being imported with replacement characters.
 */

/** 0-based offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

const nonAscii = /[\u0080-\u00ff]/;

/** A line read as latin1, as UTF-8 text; or the 1-based byte column where it is not UTF-8. */
export function decodeLatin1Line(line: string): { text: string } | { badColumn: number } {
  if (!nonAscii.test(line)) return { text: line };
  const bytes = Buffer.from(line, 'latin1');
  const bad = firstInvalidUtf8(bytes);
  return bad < 0 ? { text: bytes.toString('utf8') } : { badColumn: bad + 1 };
}
