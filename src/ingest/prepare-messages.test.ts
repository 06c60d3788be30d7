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
    context: { locale: 'en-US', traits: { email: ' Ada@Example.COM ' } },
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
