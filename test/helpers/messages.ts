// Small factories of Segment messages; every message gets a fresh messageId unless one is given.

import { randomUUID } from 'node:crypto';

export type Message = Record<string, unknown>;

/** A unique id with a readable prefix, so a failing assertion says which message it was. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID()}`;

export function track(overrides: Message = {}): Message {
  return { type: 'track', messageId: uniqueId('track'), userId: 'user-1', event: 'Product Viewed', properties: { product_id: 'p1', price: 9.5 }, ...overrides };
}

export function identify(overrides: Message = {}): Message {
  return { type: 'identify', messageId: uniqueId('identify'), userId: 'user-1', traits: { email: 'ada@example.com' }, ...overrides };
}

export function page(overrides: Message = {}): Message {
  return { type: 'page', messageId: uniqueId('page'), anonymousId: 'anon-1', name: 'Home', properties: { path: '/' }, ...overrides };
}

/** A batch body of the Segment HTTP API. */
export function batch(messages: Message[], extra: Message = {}): Message {
  return { batch: messages, ...extra };
}

/** A track message whose JSON is about `bytes` long (padded with a property). */
export function trackOfSize(bytes: number, overrides: Message = {}): Message {
  const base = track(overrides);
  const padding = Math.max(0, bytes - JSON.stringify(base).length - 20);
  return { ...base, properties: { ...(base['properties'] as Message), padding: 'x'.repeat(padding) } };
}

/** NDJSON text of messages, one a line. */
export const toNdjson = (messages: readonly Message[]): string => messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
