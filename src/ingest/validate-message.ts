import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import { parseInstant } from './standardize.js';
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
  /** The type implied by the endpoint (`/v1/track`), used when the message has none. */
  impliedType?: MessageType;
  receivedAt: Date;
  /** IANA zone that times without an offset are read in. */
  zone: string;
  /** The sender's address, recorded as `context.ip` when the message names none (as Segment's API does). */
  ip?: string;
}

/**
 * Validates one Segment message and fills in what the server owns: `messageId` when missing,
 * `receivedAt`, the clock-skew-corrected `timestamp` (product.md, "Timestamps"), and `context.ip` when
 * the sender's address is given.
 */
export function validateMessage(input: unknown, options: ValidateOptions): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('a message must be a JSON object');
  const raw = input as Record<string, unknown>;
  if (raw['type'] === undefined && options.impliedType) raw['type'] = options.impliedType;
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
  // Each time is parsed once: the correction below uses what the check parsed.
  const times: Partial<Record<TimeField, number>> = {};
  for (const field of timeFields) {
    const v = raw[field];
    if (typeof v !== 'string') continue;
    const instant = parseInstant(v, options.zone);
    if (!instant) return fail(`${field} is not a date: ${JSON.stringify(v.slice(0, 40))}`, field);
    times[field] = instant.getTime();
  }
  delete raw['writeKey'];
  if (options.ip !== undefined) recordIp(raw, options.ip);
  if (typeof raw['messageId'] !== 'string') raw['messageId'] = randomUUID();
  const receivedAt = options.receivedAt;
  raw['receivedAt'] = receivedAt.toISOString();
  raw['timestamp'] = corrected(raw, receivedAt, times);
  return { ok: true, message: raw as SegmentMessage };
}

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
type TimeField = (typeof timeFields)[number];

/**
 * Segment's correction: the client's `timestamp` is kept as `originalTimestamp`; when `sentAt` is
 * known, timestamp = receivedAt − (sentAt − originalTimestamp), which removes the device clock skew.
 * `times` holds the epoch ms of each field that holds a date.
 */
function corrected(raw: Record<string, unknown>, receivedAt: Date, times: Partial<Record<TimeField, number>>): string {
  // The client's time is `timestamp`, else (absent or null) `originalTimestamp`.
  const field: TimeField = raw['timestamp'] !== undefined && raw['timestamp'] !== null ? 'timestamp' : 'originalTimestamp';
  const sentMs = typeof raw[field] === 'string' ? times[field] : undefined;
  if (sentMs === undefined) return receivedAt.toISOString();
  raw['originalTimestamp'] = raw[field];
  const sentAtMs = times.sentAt;
  if (sentAtMs === undefined) return new Date(sentMs).toISOString();
  return new Date(receivedAt.getTime() - (sentAtMs - sentMs)).toISOString();
}
