// An external id typed `email` or `phone` (Segment's `context.externalIds`) is the same identifier as the email and
// phone of identify traits: the graph matches it standardized, so every SQL reader (profiles, timeline, export, the
// metric facts) must find the event by it too, whatever the sender's spelling.

import { afterEach, describe, expect, it } from 'vitest';
import { exportProfiles, readProfile, readTimeline } from '../src/identity/index.js';
import { refreshFacts } from '../src/metrics/index.js';
import { sql } from '../src/store/index.js';
import type { Workspace } from '../src/server/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeDir(dir);
});

async function workspaceWith(...batches: Record<string, unknown>[][]): Promise<Workspace> {
  const dir = await makeTempDir('tessera-external-ids-');
  dirs.push(dir);
  const ws = await openTestWorkspace(dir);
  for (const messages of batches) {
    await ws.ingestor.accept(messages, { source: 'http', location: 'test' });
    await ws.ingestor.flush();
  }
  return ws;
}

const at = (minute: number): string => new Date(Date.UTC(2025, 4, 1, 9, minute)).toISOString();
const ann = { type: 'identify', messageId: 'ann', userId: 'u-ann', traits: { email: 'ann@x.com', phone: '(212) 555-0100' }, timestamp: at(0) };
/** A server-side call that knows the person only by an external id: its anonymous id is a placeholder, which links nothing. */
const knownBy = (messageId: string, minute: number, externalId: Record<string, unknown>) => ({
  type: 'track',
  event: 'Product Viewed',
  messageId,
  anonymousId: 'anonymous',
  timestamp: at(minute),
  context: { externalIds: [{ collection: 'users', encoding: 'none', ...externalId }] },
});
const byExternalIds = [
  knownBy('by-email', 1, { type: 'email', id: ' Ann@X.com ' }),
  knownBy('by-phone', 2, { type: 'phone', id: '212-555-0100' }),
  knownBy('by-typed-email', 3, { type: 'Email', id: 'ann@x.com' }),
];

describe('external ids typed email or phone', () => {
  it('are stored standardized, in the column identity reads and in the message', async () => {
    const ws = await workspaceWith([ann, ...byExternalIds]);
    try {
      const rows = await ws.store.query<{ message_id: string; external_ids: string; message: string }>(
        sql`SELECT message_id, external_ids, CAST(message AS VARCHAR) AS message FROM events WHERE external_ids IS NOT NULL ORDER BY seq`,
      );
      const idsOf = (text: string) => (JSON.parse(text) as { id: string }[]).map((x) => x.id);
      expect(rows.map((r) => [r.message_id, idsOf(r.external_ids), idsOf(JSON.stringify((JSON.parse(r.message) as { context: { externalIds: unknown } }).context.externalIds))])).toEqual([
        ['by-email', ['ann@x.com'], ['ann@x.com']],
        ['by-phone', ['+12125550100'], ['+12125550100']],
        ['by-typed-email', ['ann@x.com'], ['ann@x.com']],
      ]);
    } finally {
      await ws.close();
    }
  });

  it("put an event known only by them on the customer the graph links them to: profile, timeline and export", async () => {
    const first = await workspaceWith([ann, ...byExternalIds]);
    await first.identity.refresh();
    await first.close();
    // Opened again, as a command would open it: the stored map is current, so no graph is built.
    const ws = await openTestWorkspace(dirs.at(-1) as string);
    try {
      await ws.identity.refresh();
      const timelineIds = async () => (await readTimeline(ws.store, ws.identity, 'email:ann@x.com')).events.map((e) => (e.message as { messageId: string }).messageId).sort();
      // A process without the graph in memory finds the owners of the events' identifiers in customer_map, one that
      // holds it (as a profile makes it) in the graph: both find every event.
      expect(ws.identity.hasGraph).toBe(false);
      expect(await timelineIds()).toEqual(['ann', 'by-email', 'by-phone', 'by-typed-email']);
      const profile = await readProfile(ws.store, ws.identity, 'user:u-ann');
      expect(profile.computed.events).toBe(4);
      expect(ws.identity.hasGraph).toBe(true);
      expect(await timelineIds()).toEqual(['ann', 'by-email', 'by-phone', 'by-typed-email']);
      const exported = [];
      for await (const lines of exportProfiles(ws.store)) exported.push(...lines);
      expect(exported).toHaveLength(1);
      expect(exported[0]?.computed.events).toBe(4);
    } finally {
      await ws.close();
    }
  });

  it('move the metric facts of an event known by them when a later identify merges its customer into another', async () => {
    const ws = await workspaceWith([knownBy('by-email', 1, { type: 'email', id: ' Ann@X.com ' })]);
    try {
      // The facts first see the event alone (its own customer, made of the address), then Ann's identify merges it.
      const customerOfFact = async () => {
        const [row] = await ws.store.query<{ id: string }>(
          sql`SELECT k.id FROM event_facts f JOIN customer_keys k ON k.key = f.customer_key JOIN events e ON e.seq = f.seq WHERE e.message_id = 'by-email'`,
        );
        return row?.id;
      };
      await ws.identity.refresh();
      await refreshFacts(ws.store, ws.config.workspace);
      const alone = await customerOfFact();
      expect(alone).toBe((await readProfile(ws.store, ws.identity, 'email:ann@x.com')).customer_id);
      await ws.ingestor.accept([ann], { source: 'http', location: 'test' });
      await ws.ingestor.flush();
      await ws.identity.refresh();
      await refreshFacts(ws.store, ws.config.workspace);
      const profile = await readProfile(ws.store, ws.identity, 'user:u-ann');
      expect(profile.customer_id).not.toBe(alone);
      expect(await customerOfFact()).toBe(profile.customer_id);
    } finally {
      await ws.close();
    }
  });
});
