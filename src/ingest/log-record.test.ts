import { describe, expect, it } from 'vitest';
import type { SegmentMessage } from '../contract/index.js';
import { messageLine } from './log-record.js';

const line = (message: Record<string, unknown>) => JSON.parse(messageLine('web', message as unknown as SegmentMessage, JSON.stringify(message), {})) as Record<string, unknown>;

describe('messageLine', () => {
  it("carries the message's external ids as JSON text, and '' for none, so the loader scans no message for them", () => {
    const ids = [{ id: 'C-1', type: 'shop', collection: 'users', encoding: 'none' }];
    const withIds = line({ type: 'identify', messageId: 'm1', userId: 'u1', context: { externalIds: ids } });
    expect(withIds['x']).toBe(JSON.stringify(ids));
    expect(JSON.parse(withIds['x'] as string)).toEqual(ids);
    expect(line({ type: 'track', messageId: 'm2', anonymousId: 'a1', event: 'Viewed' })['x']).toBe('');
    expect(line({ type: 'track', messageId: 'm3', anonymousId: 'a1', event: 'Viewed', context: { externalIds: null } })['x']).toBe('');
  });
});
