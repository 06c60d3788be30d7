import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TesseraError } from '../contract/index.js';
import { openFileBytes } from './import-sniff.js';

/**
 * The text encoding of a CSV file. Excel's plain "CSV" on Windows (Western Europe and the Americas)
 * writes Windows-1252, not UTF-8: read as UTF-8, every row with an accent (`José`, `Köln`, `10 €`) is
 * quarantined as invalid_encoding. The file says so only by its bytes, and a guess could garble a UTF-8
 * file with one damaged byte, so the user says it (`--encoding windows-1252`, or `file.encoding` in a
 * mapping), and the quarantine reason of a row that is not UTF-8 tells them how.
 */
export type TextEncoding = 'utf-8' | 'windows-1252';

/** What an invalid_encoding rejection adds to the reader's words: the way to read the file as it was written. */
export const encodingHint = ' (a file saved by Excel as plain CSV is Windows-1252: import it with --encoding windows-1252, or file.encoding: windows-1252 in the mapping)';

/** Bytes as text in the encoding (a UTF-8 byte order mark dropped). */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  const text = encoding === 'utf-8' ? Buffer.from(bytes).toString('utf8') : decodeWindows1252(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Windows-1252 is Latin-1 but for 0x80–0x9F, where it keeps €, ’, “, –, ™ and others. Written out
 * here because Node's TextDecoder('windows-1252') decodes those bytes as Latin-1's control characters.
 */
const cp1252High: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02c6, 0x89: 0x2030,
  0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022,
  0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc, 0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

/** Windows-1252 bytes as text; one byte is one character, so any chunk decodes on its own. */
export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(cp1252High[c.charCodeAt(0)] ?? c.charCodeAt(0)));
}


/**
 * A UTF-8 copy of a Windows-1252 file (gzip inflated) in a temp directory of its own, for DuckDB's
 * reader, which knows Latin-1 but refuses the bytes 0x80–0x9F where Windows-1252 keeps €, ’, “, – and ™.
 * Line breaks stay where they were, so every row keeps its line number. `remove` deletes the copy.
 */
export async function utf8Copy(path: string, gzip: boolean): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-utf8-'));
  const copy = join(dir, 'utf8.csv');
  const remove = () => rm(dir, { recursive: true, force: true });
  const decode = new Transform({ transform: (chunk: Buffer, _enc, done) => done(null, decodeWindows1252(chunk)) });
  try {
    await pipeline([openFileBytes(path, gzip).bytes, decode, createWriteStream(copy)]);
  } catch (err) {
    await remove();
    throw new TesseraError('import_failed', `${path}: cannot be read: ${(err as Error).message}`);
  }
  return { path: copy, remove };
}
