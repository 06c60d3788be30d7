// `identity explain` names the entry of `identity.blocked` that refused a link. The merge log stores only the rule's
// code; the entry is found again from the rules in force, which must be the ones the refusal was made under, also
// when the graph comes back from its file and when the config changed between two runs.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainProfile } from '../src/identity/index.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let dir: string;
const dataDir = () => join(dir, 'data');
const withRules = (blocked: Record<string, unknown>) => openTestWorkspace(dataDir(), {}, { identity: { blocked } });

beforeAll(async () => {
  dir = await makeTempDir('tessera-explain-rules-');
  const ws = await withRules({ patterns: ['@qa\\.shop\\.example$'] });
  try {
    await ws.ingestor.accept(
      [
        { type: 'identify', messageId: 'm1', userId: 'u-1', traits: { email: 'ann@example.com' }, timestamp: '2025-05-01T09:00:00.000Z' },
        { type: 'identify', messageId: 'm2', userId: 'u-1', traits: { email: 'tester@qa.shop.example' }, timestamp: '2025-05-01T09:01:00.000Z' },
      ],
      { source: 'http', location: 'test' },
    );
    await ws.ingestor.flush();
    await ws.identity.refresh();
  } finally {
    await ws.close();
  }
}, 60_000);

afterAll(async () => {
  if (dir) await removeDir(dir);
});

const blockedOf = async (ws: Awaited<ReturnType<typeof withRules>>) => (await explainProfile(ws.store, ws.identity, 'user:u-1')).refusals.map((r) => r.blocked);

describe('identity explain after a restart', () => {
  it('names the same pattern when the graph is read back from its file under the same rules', async () => {
    const ws = await withRules({ patterns: ['@qa\\.shop\\.example$'] });
    try {
      expect((await ws.identity.refresh({ keepGraph: true })).restored).toBe(true);
      expect(await blockedOf(ws)).toEqual([expect.objectContaining({ value: 'tester@qa.shop.example', by: 'pattern', entry: '@qa\\.shop\\.example$' })]);
    } finally {
      await ws.close();
    }
  });

  it('names the entry of the new rules after the config changed, and no refusal once nothing blocks the value', async () => {
    let ws = await withRules({ values: ['Tester@QA.shop.example'] });
    try {
      expect(await blockedOf(ws)).toEqual([expect.objectContaining({ by: 'value', entry: 'Tester@QA.shop.example', setting: 'identity.blocked.values' })]);
    } finally {
      await ws.close();
    }
    ws = await withRules({});
    try {
      const explanation = await explainProfile(ws.store, ws.identity, 'user:u-1');
      expect(explanation.refusals).toEqual([]);
      expect(explanation.identifiers.map((i) => i.key)).toContain('email:tester@qa.shop.example');
    } finally {
      await ws.close();
    }
  });
});
