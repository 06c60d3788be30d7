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

/** Copies batch-level context onto each message, as Segment's batch endpoint does. */
function withBatchDefaults(messages: unknown[], body: unknown): unknown[] {
  const b = body as { context?: unknown; integrations?: unknown; sentAt?: unknown };
  if (b.context === undefined && b.integrations === undefined && b.sentAt === undefined) return messages;
  return messages.map((m) => {
    if (!m || typeof m !== 'object') return m;
    const msg = m as Record<string, unknown>;
    if (msg['context'] === undefined && b.context !== undefined) msg['context'] = b.context;
    if (msg['integrations'] === undefined && b.integrations !== undefined) msg['integrations'] = b.integrations;
    // Segment's SDKs stamp sentAt on the batch, not on each message; the clock-skew correction needs it.
    if (msg['sentAt'] === undefined && b.sentAt !== undefined) msg['sentAt'] = b.sentAt;
    return msg;
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
