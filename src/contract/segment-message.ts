/**
 * Segment Tracking API messages as JSON Schema, so ingestion can compile them once (ajv) and validate
 * each message without a generic per-call walk: this is the hot path.
 */
export const messageTypes = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

/**
 * An identifier; null and an empty or blank string stand for none, as browser SDKs send them for every anonymous
 * visitor: Segment's `"userId": null`, RudderStack's `"userId": ""` (validateMessage removes them).
 */
const id = { type: ['string', 'number', 'null'], maxLength: 1024 } as const;
const dateString = { type: 'string', minLength: 1, maxLength: 64 } as const;
const object = { type: 'object' } as const;

/** JSON Schema of one Segment message (shared shape; per-type required fields are checked beside it). */
export const segmentMessageSchema = {
  type: 'object',
  properties: {
    type: { enum: messageTypes },
    messageId: { type: 'string', minLength: 1, maxLength: 512 },
    userId: id,
    anonymousId: id,
    previousId: id,
    groupId: id,
    event: { type: 'string', minLength: 1, maxLength: 1024 },
    name: { type: ['string', 'null'], maxLength: 1024 },
    category: { type: ['string', 'null'], maxLength: 1024 },
    timestamp: dateString,
    originalTimestamp: dateString,
    sentAt: dateString,
    properties: object,
    traits: object,
    context: object,
    integrations: object,
  },
  required: ['type'],
} as const;

/** Fields each message type needs beyond `userId` or `anonymousId` (product.md). */
export const requiredByType: Record<MessageType, readonly string[]> = {
  identify: [],
  track: ['event'],
  page: [],
  screen: [],
  group: ['groupId'],
  alias: ['previousId', 'userId'],
};

/** A message as stored: validated, with ids as strings and the server's timestamps filled in. */
export interface SegmentMessage {
  type: MessageType;
  messageId: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  groupId?: string;
  event?: string;
  name?: string | null;
  timestamp: string;
  originalTimestamp?: string;
  sentAt?: string;
  receivedAt: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** One rejected message of a batch, as the tracking API answers it. */
export interface MessageRejection {
  index: number;
  error: { code: 'validation_failed' | 'message_too_large'; message: string; field?: string };
}
