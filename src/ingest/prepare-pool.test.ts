// The preparation workers give what the main thread gives for the same body, and errors of the one shape.
import { afterAll, describe, expect, it } from 'vitest';
import { TesseraConfig } from '../contract/index.js';
import { prepareMessages } from './prepare-messages.js';
import { PreparePool } from './prepare-pool.js';
import { messagesOfBody, parseTrackingJson } from './tracking-body.js';

const config = TesseraConfig.parse({ dataDir: '/nonexistent' });
const pool = new PreparePool(2, config.workspace, config.ingest);
afterAll(() => pool.close());

const body = JSON.stringify({
  context: { channel: 'web' },
  sentAt: '2026-01-01T00:00:10Z',
  batch: [
    { type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'a', timestamp: '2026-01-01T00:00:00Z', properties: { order_id: 'o-1', total: 12.5, currency: 'EUR', email: ' X@Y.com ' } },
    { type: 'identify', messageId: 'm-2', userId: 'u', traits: { email: 'Ann@Example.COM' }, timestamp: '2026-01-01T00:00:05Z' },
    { type: 'track', messageId: 'm-3', anonymousId: 'a' },
    { type: 'page', messageId: 'm-4' },
  ],
});
const shape = { kind: 'batch', maxMessages: 10 } as const;
const options = { source: 'web-key', location: 'http:/v1/batch' };
// receivedAt is the clock of the moment: compared without it.
const withoutClock = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'T');

describe('the preparation workers', () => {
  it('turn a batch into the same log lines and rejections as the main thread', async () => {
    const inWorker = await pool.run(body, shape, options);
    const here = prepareMessages(messagesOfBody(parseTrackingJson(body), shape), options, config.workspace, config.ingest);
    expect(inWorker.accepted).toBe(2);
    expect(inWorker.rejections.map((r) => r.index)).toEqual([2, 3]);
    expect(inWorker.rejections).toEqual(here.rejections);
    expect(withoutClock(inWorker.text)).toEqual(withoutClock(here.text));
  });

  it('answer many bodies at once, each with its own result', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => JSON.stringify({ batch: Array.from({ length: i + 1 }, (_, j) => ({ type: 'track', event: 'E', anonymousId: `a-${i}-${j}` })) }));
    const results = await Promise.all(bodies.map((b) => pool.run(b, shape, options).catch((e: unknown) => e)));
    expect(results.map((r) => (r as { accepted?: number }).accepted)).toEqual(bodies.map((_, i) => (i + 1 <= 10 ? i + 1 : undefined)));
    expect(results.slice(10).every((r) => (r as { code?: string }).code === 'batch_too_many_messages')).toBe(true);
  });

  it('reject a body that is not JSON, or not a batch, with the error of the one shape', async () => {
    await expect(pool.run('{"batch": [', shape, options)).rejects.toMatchObject({ code: 'invalid_json', message: expect.stringMatching(/not valid JSON/) });
    await expect(pool.run('{"batch": 3}', shape, options)).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'batch' } });
    await expect(pool.run('[1]', { kind: 'single', type: 'track' }, options)).resolves.toMatchObject({ accepted: 0, rejections: [{ index: 0 }] });
  });
});
