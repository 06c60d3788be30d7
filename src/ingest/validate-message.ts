import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import { contentMessageId } from './content-message-id.js';
import { parseInstant } from './parse-instant.js';
import {
  requiredByType,
  segmentMessageSchema,
  type MessageRejection,
  type MessageType,
  type SegmentMessage,
} from '../contract/index.js';

const ajv = new Ajv({ allErrors: false, strict: false });
const checkShape = ajv.compile(segmentMessageSchema);

export type ValidationResult = { ok: true; message: SegmentMessage } | { ok: false; error: MessageRejection['error'] };

const fail = (message: string, field?: string): ValidationResult => ({
  ok: false,
  error: { code: 'validation_failed', message, ...(field ? { field } : {}) },
});

function describeAjvError(): { message: string; field?: string } {
  const e = checkShape.errors?.[0];
  if (!e) return { message: 'invalid message' };
  const field = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (e.keyword === 'enum' && field === 'type') return { message: `type must be one of identify, track, page, screen, group, alias`, field };
  if (e.keyword === 'required') return { message: `${String(e.params['missingProperty'])} is required`, field: String(e.params['missingProperty']) };
  return { message: `${field || 'message'} ${e.message ?? 'is invalid'}`, ...(field ? { field } : {}) };
}


export interface ValidateOptions {
  /** The type named by the endpoint (`/v1/track`): the message's type, whatever its body says. */
  impliedType?: MessageType;
  receivedAt: Date;
  /** IANA zone that times without an offset are read in. */
  zone: string;
  /** The sender's address, recorded as `context.ip` when the message names none (as Segment's API does). */
  ip?: string;
  /**
   * A message that carries its own `receivedAt` was received before (a Segment archive, `tessera events export`):
   * its receivedAt is kept, and its clock-skew correction is made again from it and its client's `originalTimestamp`,
   * so an import gives the times the first receiver gave. Files only: over HTTP, receivedAt is the server clock.
   */
  keepReceivedAt?: boolean;
  /**
   * A message without `messageId` gets one derived from its content instead of a random one (files only), so that
   * importing a file again, or again after an import was killed halfway, finds every message stored already.
   * Over HTTP a missing id is a new UUID, as Segment's API assigns: two identical calls there are two calls.
   */
  contentMessageIds?: boolean;
}

/**
 * Validates one Segment message and fills in what the server owns: `messageId` when missing (see contentMessageIds),
 * `receivedAt`, the clock-skew-corrected `timestamp` (product.md, "Timestamps"), and `context.ip` when
 * the sender's address is given.
 */
export function validateMessage(input: unknown, options: ValidateOptions): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('a message must be a JSON object');
  const raw = input as Record<string, unknown>;
  // A key sent in the body authenticates the request, never belongs to the message: removed before anything
  // (a quarantined message's raw text included) can keep it; only the key's hash is stored.
  delete raw['writeKey'];
  // The endpoint names the call (`/v1/track` takes tracks), over a type the body may say: as RudderStack's gateway
  // sets it from the path, and as Segment's API reads a single call.
  if (options.impliedType) raw['type'] = options.impliedType;
  // A null time is no time, as a null id is no id; a null object is none either: SDKs that serialize their unset
  // optionals send `"properties": null` or `"context": null`, which Segment's API takes.
  for (const field of timeFields) if (raw[field] === null) delete raw[field];
  for (const field of objectFields) if (raw[field] === null) delete raw[field];
  if (!checkShape(raw)) {
    const d = describeAjvError();
    return fail(d.message, d.field);
  }
  const type = raw['type'] as MessageType;
  for (const key of ['userId', 'anonymousId', 'previousId', 'groupId'] as const) {
    const v = raw[key];
    if (typeof v === 'number') raw[key] = String(v);
    else if (v === null || (typeof v === 'string' && v.trim() === '')) delete raw[key];
  }
  if (raw['userId'] === undefined && raw['anonymousId'] === undefined) return fail(`${type} needs userId or anonymousId`, 'userId');
  for (const field of requiredByType[type]) {
    if (raw[field] === undefined) return fail(`${type} needs ${field}`, field);
  }
  // A blank event name names nothing, as a blank id is no id (the schema already refuses an empty one).
  if (type === 'track' && (raw['event'] as string).trim() === '') return fail('track needs event: a blank name is none', 'event');
  // Each time is parsed once: the correction below uses what the check parsed.
  const times: Partial<Record<TimeField, number>> = {};
  for (const field of timeFields) {
    const v = raw[field];
    if (typeof v !== 'string') continue;
    const instant = parseInstant(v, options.zone);
    if (!instant) return fail(`${field} is not a date: ${JSON.stringify(v.slice(0, 40))}`, field);
    times[field] = instant.getTime();
  }
  // Derived before anything is stamped: what has changed so far (the key removed, the type implied, null times and
  // blank ids dropped) is the same for the same line every time.
  if (typeof raw['messageId'] !== 'string') raw['messageId'] = options.contentMessageIds ? contentMessageId(raw) : randomUUID();
  if (options.ip !== undefined) recordIp(raw, options.ip);
  let receivedAt = options.receivedAt;
  const received = raw['receivedAt'];
  const earlier = options.keepReceivedAt && typeof received === 'string';
  if (earlier) {
    const instant = parseInstant(received, options.zone);
    if (!instant) return fail(`receivedAt is not a date: ${JSON.stringify(received.slice(0, 40))}`, 'receivedAt');
    // Stored as a time too: the same range as timestamp's below, for the same reason.
    if (instant.getTime() < firstInstant || instant.getTime() > lastInstant) return fail('receivedAt falls outside the years 0000-9999 once in UTC', 'receivedAt');
    receivedAt = instant;
  }
  raw['receivedAt'] = receivedAt.toISOString();
  const timestamp = corrected(raw, receivedAt, times, earlier);
  // The store reads times of the years 0000-9999 (ISO 8601's four digits); a log line with another fails the load
  // it is in and every load after it: ingestion would stop, and the server would not start again. A time written
  // within them can land outside once in UTC (`9999-12-31T23:00:00-05:00`), or corrected for a clock far off.
  if (timestamp < firstInstant || timestamp > lastInstant) {
    return timestamp === times.timestamp || times.sentAt === undefined
      ? fail('timestamp falls outside the years 0000-9999 once in UTC', 'timestamp')
      : fail('timestamp corrected for the device clock, receivedAt - (sentAt - timestamp), falls outside the years 0000-9999: sentAt or timestamp is wrong', 'sentAt');
  }
  raw['timestamp'] = new Date(timestamp).toISOString();
  return { ok: true, message: raw as SegmentMessage };
}

/** The first and the last instant whose ISO 8601 form has a four-digit year. */
const firstInstant = Date.parse('0000-01-01T00:00:00.000Z');
const lastInstant = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A `context.ip` the message carries wins, even one a client sets to hide the address (Segment's advice is
 * `0.0.0.0`): a server-side SDK relays its visitors' calls, and its own address says nothing about them.
 */
function recordIp(raw: Record<string, unknown>, ip: string): void {
  const context = raw['context'];
  if (context === undefined) raw['context'] = { ip };
  else if (typeof context === 'object' && context !== null && !Array.isArray(context) && (context as Record<string, unknown>)['ip'] === undefined) {
    (context as Record<string, unknown>)['ip'] = ip;
  }
}

const timeFields = ['timestamp', 'originalTimestamp', 'sentAt'] as const;
const objectFields = ['properties', 'traits', 'context', 'integrations'] as const;
type TimeField = (typeof timeFields)[number];

/**
 * Segment's correction: the client's `timestamp` is kept as `originalTimestamp`; when `sentAt` is
 * known, timestamp = receivedAt − (sentAt − originalTimestamp), which removes the device clock skew.
 * `times` holds the epoch ms of each field that holds a date; the result is epoch ms too.
 */
function corrected(raw: Record<string, unknown>, receivedAt: Date, times: Partial<Record<TimeField, number>>, received = false): number {
  // In a message received before, `timestamp` is the first receiver's corrected time and the client's is
  // `originalTimestamp`: without one, that receiver had no client time to correct, and its timestamp stands.
  if (received && times.originalTimestamp === undefined) return times.timestamp ?? receivedAt.getTime();
  // The client's time is `timestamp`, else (absent) `originalTimestamp`.
  const field: TimeField = !received && raw['timestamp'] !== undefined ? 'timestamp' : 'originalTimestamp';
  const sentMs = typeof raw[field] === 'string' ? times[field] : undefined;
  if (sentMs === undefined) return receivedAt.getTime();
  raw['originalTimestamp'] = raw[field];
  const sentAtMs = times.sentAt;
  if (sentAtMs === undefined) return sentMs;
  return receivedAt.getTime() - (sentAtMs - sentMs);
}
