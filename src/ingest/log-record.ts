import type { SegmentMessage } from '../contract/index.js';

/** Why and where a record was rejected; stored in quarantine beside its raw text. */
export interface Rejection {
  code: string;
  reason: string;
  field?: string;
  /** Where the record came from: `http:/v1/batch[3]`, `orders.csv:17`. */
  location?: string;
  raw: string;
  receivedAt: string;
}

/**
 * One line of a log segment. The source travels beside the message, not inside it, so an
 * exported message is exactly what the client sent plus what the server owns.
 */
export type LogRecord = { s: string; m: SegmentMessage } | { s: string; q: Rejection };

/** Serializes records to the NDJSON text a segment holds; messages come already serialized. */
export function toLogLines(source: string, messageJson: readonly string[], rejections: readonly Rejection[] = []): string {
  let text = '';
  const s = JSON.stringify(source);
  for (const m of messageJson) text += `{"s":${s},"m":${m}}\n`;
  for (const q of rejections) text += `{"s":${s},"q":${JSON.stringify(q)}}\n`;
  return text;
}
