import { describe, expect, it } from 'vitest';
import { IngestConfig, WorkspaceConfig } from '../contract/index.js';
import { prepareMessages, type AcceptOptions } from './prepare-messages.js';

const workspace = WorkspaceConfig.parse({});
const config = IngestConfig.parse({});

/** The quarantine records of the log lines prepared from `inputs`. */
function rejectionsOf(inputs: unknown[], options: Partial<AcceptOptions> = {}): { code: string; raw: string }[] {
  const { text } = prepareMessages(inputs, { source: 'web', location: 'http:/v1/batch', ip: '10.0.0.1', ...options }, workspace, config);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { q?: { code: string; raw: string } })
    .flatMap((line) => (line.q ? [line.q] : []));
}

describe('prepareMessages and a rejected message', () => {
  // Rejected after stamping: an order without order_id, with an email to standardize; sent without messageId.
  const sent = {
    type: 'track',
    userId: 'u1',
    event: 'Order Completed',
    timestamp: '2024-06-01T10:00:00Z',
    sentAt: '2024-06-01T10:00:05Z',
    context: { locale: 'en-US', traits: { email: ' Ada@Example.COM ' }, externalIds: [{ id: '(212) 555-0199', type: 'phone', collection: 'users', encoding: 'none' }] },
    traits: { phone: '(212) 555-0199' },
    properties: { total: 10 },
  };

  it('keeps the message as it was sent: no messageId, receivedAt, corrected time, address or standardized trait added', () => {
    const [rejection] = rejectionsOf([structuredClone({ ...sent, writeKey: 'tsk_w_secret' })]);
    expect(rejection?.code).toBe('validation_failed');
    expect(JSON.parse(rejection?.raw ?? 'null')).toEqual(sent);
  });

  it('keeps the same raw text each time the same message is sent, so the quarantine can tell a repeat', () => {
    const rawOf = () => rejectionsOf([structuredClone(sent)]).map((r) => r.raw);
    expect(rawOf()).toEqual(rawOf());
  });
});

describe('prepareMessages and external ids', () => {
  it('stores an external id of type email or phone as traits are stored, in the message and in the line identity reads', () => {
    const externalIds = [
      { id: ' Ada@Example.COM ', type: 'email', collection: 'users', encoding: 'none' },
      { id: '(212) 555-0199', type: ' Phone', collection: 'users', encoding: 'none' },
      { id: 'C-1', type: 'shop', collection: 'users', encoding: 'none' },
      { id: 'not a phone', type: 'phone', collection: 'users', encoding: 'none' },
    ];
    const { text } = prepareMessages([{ type: 'identify', userId: 'u1', context: { externalIds } }], { source: 'web', location: 'http:/v1/batch' }, workspace, config);
    const line = JSON.parse(text) as { x: string; m: { context: { externalIds: unknown } } };
    const standardized = [{ ...externalIds[0], id: 'ada@example.com' }, { ...externalIds[1], id: '+12125550199' }, externalIds[2], externalIds[3]];
    expect(line.m.context.externalIds).toEqual(standardized);
    expect(JSON.parse(line.x)).toEqual(standardized);
  });
});
