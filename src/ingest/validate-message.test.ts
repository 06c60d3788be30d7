import { describe, expect, it } from 'vitest';
import { validateMessage, type ValidateOptions } from './validate-message.js';

const now = new Date('2026-01-10T12:00:00.000Z');
const options: ValidateOptions = { receivedAt: now, zone: 'UTC' };

function stamp(message: Record<string, unknown>, extra: Partial<ValidateOptions> = {}): Record<string, unknown> {
  const result = validateMessage(structuredClone(message), { ...options, ...extra });
  if (!result.ok) throw new Error(result.error.message);
  return result.message;
}

describe('validateMessage of a message received before (file imports, keepReceivedAt)', () => {
  it('gives a stamped message the same times again, so an export imports unchanged', () => {
    const sent = { type: 'track', userId: 'u', event: 'E', messageId: 'm', timestamp: '2024-03-05T11:00:00.000Z', sentAt: '2024-03-05T11:00:10.000Z' };
    const first = stamp(sent, { receivedAt: new Date('2024-03-05T10:00:10.500Z') });
    expect(first['timestamp']).toBe('2024-03-05T10:00:00.500Z');
    expect(stamp(first, { keepReceivedAt: true })).toEqual(first);
  });

  it('keeps the timestamp of a message whose first receiver had no client time, even with sentAt', () => {
    const first = stamp({ type: 'track', userId: 'u', event: 'E', messageId: 'm', sentAt: '2024-03-05T11:00:10.000Z' }, { receivedAt: new Date('2024-03-05T10:00:10.500Z') });
    expect(first['timestamp']).toBe('2024-03-05T10:00:10.500Z');
    expect(stamp(first, { keepReceivedAt: true })).toEqual(first);
  });

  it('stamps receivedAt with the clock, and corrects from timestamp, without keepReceivedAt (HTTP)', () => {
    const m = stamp({ type: 'track', userId: 'u', event: 'E', timestamp: '2026-01-10T11:59:00.000Z', sentAt: '2026-01-10T12:00:00.000Z', receivedAt: '2020-01-01T00:00:00Z' });
    expect(m['receivedAt']).toBe(now.toISOString());
    expect(m['timestamp']).toBe('2026-01-10T11:59:00.000Z');
  });

  it('rejects a receivedAt that is not a date', () => {
    const result = validateMessage({ type: 'track', userId: 'u', event: 'E', receivedAt: 'soon' }, { ...options, keepReceivedAt: true });
    expect(result).toMatchObject({ ok: false, error: { field: 'receivedAt' } });
  });
});

describe('validateMessage and a write key in the body', () => {
  it('removes writeKey from a message it rejects, so quarantine never holds the key', () => {
    const input = { type: 'track', userId: 'u', writeKey: 'tsk_w_secret' };
    expect(validateMessage(input, options).ok).toBe(false);
    expect(JSON.stringify(input)).not.toContain('tsk_w_secret');
  });
});

describe('validateMessage of a track event name', () => {
  it('rejects a blank event name as it rejects a missing one, naming the field', () => {
    expect(validateMessage({ type: 'track', userId: 'u', event: ' \t ' }, options)).toMatchObject({ ok: false, error: { code: 'validation_failed', field: 'event' } });
    expect(validateMessage({ type: 'track', userId: 'u', event: ' Signed Up ' }, options).ok).toBe(true);
  });
});

describe('validateMessage and a time that names its zone in words', () => {
  it('reads a trailing UTC or GMT as UTC whatever the zone, as file imports do', () => {
    for (const timestamp of ['2024-01-05 10:00:00 UTC', '2024-01-05T10:00:00 gmt', '2024-01-05T10:00:00z']) {
      expect(stamp({ type: 'track', userId: 'u', event: 'E', timestamp }, { zone: 'America/New_York' })['timestamp'], timestamp).toBe('2024-01-05T10:00:00.000Z');
    }
    expect(stamp({ type: 'track', userId: 'u', event: 'E', timestamp: '2024-01-05 10:00:00' }, { zone: 'America/New_York' })['timestamp']).toBe('2024-01-05T15:00:00.000Z');
  });
});
