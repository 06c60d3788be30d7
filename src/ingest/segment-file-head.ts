import { basename } from 'node:path';
import { TesseraError } from '../contract/index.js';
import { openFileBytes, sniffFileKind } from './import-sniff.js';

/** Non-blank lines looked at: a file of messages whose first few lines are broken is still one (they go to quarantine). */
const HEAD_LINES = 5;
/** Bytes of the file's start read: only where each line starts matters, so a long line is never read whole. */
const HEAD_BYTES = 64 * 1024;

/** The first HEAD_BYTES of the file's text (inflated when it is gzip), or what there is of them. */
async function headText(path: string, gzip: boolean): Promise<string> {
  const { bytes, file } = openFileBytes(path, gzip, HEAD_BYTES);
  let text = '';
  try {
    for await (const chunk of bytes) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length >= HEAD_BYTES) break;
    }
  } catch {
    // A damaged gzip stream: the import reads it and says so, with what it could take in.
  } finally {
    bytes.destroy();
    file.destroy();
  }
  return text;
}

/**
 * Refuses a file that plainly is not NDJSON of Segment messages, the format `tessera import` reads when none is
 * named, before any of it is imported: a Parquet file, or text none of whose first lines is a JSON object (an orders
 * or customers CSV imported without `--format`). Read as messages, every line of such a file went to quarantine as
 * invalid JSON: thousands of rejections for one missing flag. A named `--format segment` skips this check.
 */
export async function checkSegmentFileHead(path: string): Promise<void> {
  const name = basename(path);
  const kind = sniffFileKind(path);
  if (kind === 'parquet') {
    throw new TesseraError('import_failed', `${name} is a Parquet file, not NDJSON of Segment messages (what import reads without --format): import it with --format parquet --mapping FILE`);
  }
  const lines = (await headText(path, kind === 'gzip')).replace(/^\ufeff/, '').split(/\r?\n/);
  let first: { no: number; text: string } | undefined;
  let looked = 0;
  for (const [i, line] of lines.entries()) {
    const text = line.trim();
    if (text === '') continue;
    if (text.startsWith('{')) return;
    first ??= { no: i + 1, text };
    if (++looked >= HEAD_LINES) break;
  }
  if (first === undefined) return;
  const shown = first.text.length > 60 ? `${first.text.slice(0, 60)}…` : first.text;
  throw new TesseraError(
    'import_failed',
    `${name}:${first.no} is not a JSON object (${JSON.stringify(shown)}), and none of its first ${looked === 1 ? 'line' : `${looked} non-blank lines`} is: ` +
      'it is not NDJSON of Segment messages, which import reads without --format. Name its format: --format orders, customers or shopify-orders, or --format csv with --mapping FILE',
  );
}
