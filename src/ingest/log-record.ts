import type { ColumnType } from '../store/index.js';
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
 * The top-level fields of a log line. The typed fields repeat what the loader's queries filter on,
 * so the store reads them in the same single JSON pass that keeps the message (`m`) whole; the
 * source travels beside the message, not inside it, so an export is what the client sent plus
 * what the server owns.
 */
export const logLineColumns: Readonly<Record<string, ColumnType>> = {
  s: 'text',
  id: 'text',
  t: 'text',
  e: 'text',
  u: 'text',
  a: 'text',
  ts: 'text',
  r: 'text',
  m: 'json',
  q: 'json',
  o: 'text',
  c: 'text',
  v: 'decimal',
  em: 'text',
  ph: 'text',
  ch: 'text',
  x: 'text',
  l: 'text',
};

const str = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : 'null');

/** What standardization extracted from a message, carried as typed fields of its line. */
export interface Extracted {
  orderId?: string;
  currency?: string;
  amount?: number;
  email?: string;
  phone?: string;
  /** Where the message came from, when its line is not the place to say it (a file's line: `events.ndjson:12`). */
  location?: string;
}

/** One message's log line; `json` is the message already serialized (its size was checked on it). */
export function messageLine(source: string, message: SegmentMessage, json: string, x: Extracted): string {
  let line = `{"s":${JSON.stringify(source)},"id":${str(message.messageId)},"t":${str(message.type)},"e":${str(message.event)},"u":${str(message.userId)},"a":${str(message.anonymousId)},"ts":${str(message.timestamp)},"r":${str(message.receivedAt)}`;
  if (x.orderId !== undefined) line += `,"o":${str(x.orderId)},"c":${str(x.currency)}`;
  if (x.amount !== undefined) line += `,"v":${x.amount}`;
  if (x.email !== undefined) line += `,"em":${str(x.email)}`;
  if (x.phone !== undefined) line += `,"ph":${str(x.phone)}`;
  // Always written ('' for none), so the loader tells a line without a channel from a line older than this field.
  const channel = (message.context as { channel?: unknown } | undefined)?.channel;
  line += `,"ch":${typeof channel === 'string' ? JSON.stringify(channel) : '""'}`;
  // The external ids as JSON text, for the events column identity reads (store/event-columns.ts); '' for
  // none, always written, so the loader tells them from a line older than this field.
  const externalIds = (message.context as { externalIds?: unknown } | undefined)?.externalIds;
  line += `,"x":${externalIds === undefined || externalIds === null ? '""' : JSON.stringify(JSON.stringify(externalIds))}`;
  if (x.location !== undefined) line += `,"l":${JSON.stringify(x.location)}`;
  return `${line},"m":${json}}\n`;
}

/** A rejected record's log line; the loader moves it to quarantine. */
export function rejectionLine(source: string, rejection: Rejection): string {
  return `{"s":${JSON.stringify(source)},"q":${JSON.stringify(rejection)}}\n`;
}
