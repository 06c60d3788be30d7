import { TesseraError, type MessageType } from '../contract/index.js';

/** What a tracking request's body holds: a batch (`/v1/batch`, `/v1/import`) or one message of a type. */
export type TrackingShape = { kind: 'batch'; maxMessages: number } | { kind: 'single'; type: MessageType };

function batchOf(body: unknown, max: number): unknown[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TesseraError('validation_failed', 'the body must be a JSON object');
  const batch = (body as { batch?: unknown }).batch;
  if (!Array.isArray(batch)) throw new TesseraError('validation_failed', 'batch must be an array of messages', { field: 'batch' });
  if (batch.length > max) {
    throw new TesseraError('batch_too_many_messages', `batch has ${batch.length} messages, over the limit of ${max} a batch`);
  }
  return batch;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A batch-level object (`context`, `integrations`) applied to one message: Segment applies them to every call of the
 * batch, so their keys are added to the message's own object (a key the message sets itself wins). Each message gets
 * its own copy: what the server adds to one message (context.ip) belongs to that message alone.
 */
function withBatchObject(own: unknown, shared: unknown): unknown {
  // A null object is none (validateMessage drops it): the batch's applies.
  if (own === undefined || own === null) return isPlainObject(shared) ? { ...shared } : shared;
  if (isPlainObject(own) && isPlainObject(shared)) return { ...shared, ...own };
  return own;
}

/** Applies batch-level context, integrations and sentAt to each message, as Segment's batch endpoint does. */
function withBatchDefaults(messages: unknown[], body: unknown): unknown[] {
  const b = body as { context?: unknown; integrations?: unknown; sentAt?: unknown };
  if (b.context === undefined && b.integrations === undefined && b.sentAt === undefined) return messages;
  return messages.map((m) => {
    if (!isPlainObject(m)) return m;
    if (b.context !== undefined) m['context'] = withBatchObject(m['context'], b.context);
    if (b.integrations !== undefined) m['integrations'] = withBatchObject(m['integrations'], b.integrations);
    // Segment's SDKs stamp sentAt on the batch, not on each message; the clock-skew correction needs it.
    if (m['sentAt'] === undefined && b.sentAt !== undefined) m['sentAt'] = b.sentAt;
    return m;
  });
}

/** The messages of a parsed tracking body (a batch's, with its defaults, or the one message). */
export function messagesOfBody(body: unknown, shape: TrackingShape): unknown[] {
  return shape.kind === 'batch' ? withBatchDefaults(batchOf(body, shape.maxMessages), body) : [body];
}

/** A tracking body's JSON text parsed, or invalid_json saying why. */
export function parseTrackingJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TesseraError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
