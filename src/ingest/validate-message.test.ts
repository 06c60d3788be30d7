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

describe('validateMessage of a message without messageId', () => {
  const message = { type: 'track', userId: 'u', event: 'E', timestamp: '2024-03-05T11:00:00Z', properties: { n: 1 } };
  const idOf = (m: Record<string, unknown>, extra: Partial<ValidateOptions> = {}) => stamp(m, extra)['messageId'];

  it('derives the id from the content for a file (contentMessageIds), so importing it again finds it stored', () => {
    const file = { contentMessageIds: true, keepReceivedAt: true };
    const first = idOf(message, file);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Another clock, the same line: the same id.
    expect(idOf(message, { ...file, receivedAt: new Date('2030-01-01T00:00:00Z') })).toBe(first);
    expect(idOf({ ...message, properties: { n: 2 } }, file)).not.toBe(first);
    expect(idOf({ ...message, messageId: 'own' }, file)).toBe('own');
  });

  it('gives each call a new id over HTTP, as Segment does', () => {
    expect(idOf(message)).not.toBe(idOf(message));
  });
});

describe('validateMessage of a time', () => {
  const withTime = (timestamp: string, field = 'timestamp') => validateMessage({ type: 'track', userId: 'u', event: 'E', [field]: timestamp }, options);

  it('refuses a day the calendar lacks and text that is not ISO-8601, naming the field, with an offset as without', () => {
    for (const text of ['2023-02-29T10:00:00Z', '2024-04-31T12:00:00+05:45', '5Z', 'Tuesday 2024 Z', 'Sat, 01 Jun 2024 10:00:00 GMT', '2023-02-29T10:00:00']) {
      expect(withTime(text), text).toMatchObject({ ok: false, error: { code: 'validation_failed', field: 'timestamp', message: expect.stringContaining('is not a date') } });
    }
    expect(withTime('2024-06-31T10:00:00Z', 'sentAt')).toMatchObject({ ok: false, error: { field: 'sentAt' } });
    expect(withTime('2024-06-31T10:00:00Z', 'originalTimestamp')).toMatchObject({ ok: false, error: { field: 'originalTimestamp' } });
  });

  it('keeps a leap day, a +05:45 offset, fractional seconds and a zone named UTC', () => {
    const at = (text: string) => stamp({ type: 'track', userId: 'u', event: 'E', timestamp: text })['timestamp'];
    expect(at('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
    expect(at('2024-04-30T12:00:00+05:45')).toBe('2024-04-30T06:15:00.000Z');
    expect(at('2024-06-01T10:00:00.123456Z')).toBe('2024-06-01T10:00:00.123Z');
    expect(at('2024-06-01 10:00:00 UTC')).toBe('2024-06-01T10:00:00.000Z');
  });
});
