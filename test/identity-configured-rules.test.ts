// Identity under merge rules a user set (`identity:` in tessera.config.yaml): a reordered priority, a tighter
// limit, a declared external id type, a split; profiles, their computed traits and the metric facts must put
// each event with the same customer, and follow a change of the rules. Imports' made-up anonymous ids stay
// out of profiles.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli.js';
import { identify, toNdjson, track } from './helpers/messages.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

const at = (minute: number): string => new Date(Date.UTC(2025, 4, 1, 9, minute)).toISOString();
const RATES = 'date,currency,rate_to_base\n2025-05-01,USD,1\n';

interface ProfileJson {
  customer_id: string;
  identifiers: { type: string; value: string }[];
  computed: { orders: number; revenue: number };
}
interface RfmJson {
  customers: { customer_id: string; monetary: number }[];
}

function jsonOf<T>(result: CliResult): T {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const order = (overrides: Record<string, unknown>) =>
  track({ event: 'Order Completed', properties: { order_id: 'o1', revenue: 10, currency: 'USD' }, timestamp: at(10), ...overrides });

/** A data directory with its config, the rates and `messages` imported; `cli` runs commands in it. */
async function workspaceWith(config: string, messages: Record<string, unknown>[]) {
  const dir = await makeTempDir('tessera-identity-rules-');
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, dataDir: join(dir, 'data') });
  const setConfig = (text: string) => writeFile(join(dir, 'tessera.config.yaml'), text);
  await setConfig(config);
  await writeFile(join(dir, 'rates.csv'), RATES);
  await writeFile(join(dir, 'events.ndjson'), toNdjson(messages));
  for (const args of [['rates', 'import', 'rates.csv'], ['import', 'events.ndjson', '--format', 'segment']]) {
    const r = await cli(...args);
    expect(r.exitCode, r.stderr).toBe(0);
  }
  const profile = async (identifier: string) => jsonOf<ProfileJson>(await cli('profile', identifier, '--json'));
  /** Who the metric facts give the order's revenue to (RFM reads the orders fact). */
  const buyers = async () => jsonOf<RfmJson>(await cli('rfm', '--json', '--as-of', '2025-05-02')).customers.map((c) => [c.customer_id, c.monetary]);
  return { dir, cli, setConfig, profile, buyers };
}

describe('identity under configured rules', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await removeDir(dir);
  });

  describe('a reordered priority and a limit of one email', () => {
    let ws: Awaited<ReturnType<typeof workspaceWith>>;
    const emailFirst = 'identity:\n  priority: [email, user, phone, external, anon]\n  limits: { email: 1 }\n';
    beforeAll(async () => {
      ws = await workspaceWith(emailFirst, [
        identify({ messageId: 'm1', userId: 'u1', anonymousId: 'a1', traits: { email: 'ann@example.com' }, timestamp: at(0) }),
        identify({ messageId: 'm2', userId: 'u2', anonymousId: 'a2', traits: { email: 'bob@example.com' }, timestamp: at(1) }),
        // Signed in as u1, with Bob's address: the limit refuses the link, the priority says whose order it is.
        order({ messageId: 'm3', userId: 'u1', anonymousId: 'a3', context: { traits: { email: 'bob@example.com' } } }),
      ]);
      dirs.push(ws.dir);
    }, 180_000);

    it("gives an event whose link a limit refused to the customer of its highest-priority type, in profiles and in the facts", async () => {
      const bob = await ws.profile('email:bob@example.com');
      const ann = await ws.profile('user:u1');
      // The graph put the event's anonymous id with Bob (email ranks first): the event goes with it.
      expect(bob.identifiers.map((i) => `${i.type}:${i.value}`)).toContain('anon:a3');
      expect(bob.computed).toMatchObject({ orders: 1, revenue: 10 });
      expect(ann.computed).toMatchObject({ orders: 0, revenue: 0 });
      expect(await ws.buyers()).toEqual([[bob.customer_id, 10]]);
    }, 180_000);

    it('moves the event when the priority is changed back, and again when it is restored', async () => {
      await ws.setConfig('identity:\n  limits: { email: 1 }\n');
      const ann = await ws.profile('user:u1');
      expect(ann.computed).toMatchObject({ orders: 1, revenue: 10 });
      expect((await ws.profile('email:bob@example.com')).computed).toMatchObject({ orders: 0 });
      expect(await ws.buyers()).toEqual([[ann.customer_id, 10]]);
      await ws.setConfig(emailFirst);
      const bob = await ws.profile('email:bob@example.com');
      expect(bob.computed).toMatchObject({ orders: 1 });
      expect(await ws.buyers()).toEqual([[bob.customer_id, 10]]);
    }, 180_000);
  });

  it('ranks a declared external id type where the priority puts it, and finds the events that carry it alone', async () => {
    const ws = await workspaceWith('identity:\n  priority: [shopify_customer_id, user, email, phone, external, anon]\n  limits: { shopify_customer_id: 1 }\n', [
      identify({ messageId: 'm1', userId: 'u1', anonymousId: 'a1', traits: { email: 'ann@example.com' }, context: { externalIds: [{ id: 'S1', type: 'shopify_customer_id', collection: 'users', encoding: 'none' }] }, timestamp: at(0) }),
      identify({ messageId: 'm2', userId: undefined, anonymousId: 'a2', traits: { email: 'bob@example.com' }, context: { externalIds: [{ id: 'S2', type: 'shopify_customer_id', collection: 'users', encoding: 'none' }] }, timestamp: at(1) }),
      // A server-side order: the user id of whoever was signed in, the shop's customer id of the buyer.
      order({ messageId: 'm3', userId: 'u1', context: { externalIds: [{ id: 'S2', type: 'shopify_customer_id', collection: 'users', encoding: 'none' }] } }),
      // Not Segment's array: identity ignores it, and so must every query that ranks an event's ids.
      identify({ messageId: 'm4', userId: 'u4', traits: {}, context: { externalIds: { id: 'S4', type: 'shopify_customer_id' } }, timestamp: at(2) }),
    ]);
    dirs.push(ws.dir);
    const exported = await ws.cli('profiles', 'export', '--format', 'ndjson');
    expect(exported.exitCode, exported.stderr).toBe(0);
    const explained = jsonOf<{ refusals: { rule: string; messageId: string }[] }>(await ws.cli('identity', 'explain', 'shopify_customer_id:S2', '--json'));
    expect(explained.refusals).toEqual([expect.objectContaining({ rule: 'limit:shopify_customer_id', messageId: 'm3' })]);
    const buyer = await ws.profile('shopify_customer_id:S2');
    expect(buyer.computed).toMatchObject({ orders: 1, revenue: 10 });
    expect((await ws.profile('user:u1')).computed).toMatchObject({ orders: 0 });
    expect(await ws.buyers()).toEqual([[buyer.customer_id, 10]]);
  }, 180_000);

  it('moves the facts when only the priority changed and every customer kept its id', async () => {
    const ws = await workspaceWith('identity:\n  priority: [email, user, phone, external, anon]\n', [
      identify({ messageId: 'm1', userId: 'u1', anonymousId: undefined, traits: {}, timestamp: at(0) }),
      identify({ messageId: 'm2', userId: undefined, anonymousId: 'a2', traits: { email: 'bob@example.com' }, timestamp: at(1) }),
    ]);
    dirs.push(ws.dir);
    // The split forbids the link, so each customer keeps one member (or one of each type) whatever the priority.
    expect((await ws.cli('identity', 'split', 'user:u1', '--from', 'email:bob@example.com')).exitCode).toBe(0);
    await writeFile(join(ws.dir, 'order.ndjson'), toNdjson([order({ messageId: 'm3', userId: 'u1', anonymousId: undefined, context: { traits: { email: 'bob@example.com' } } })]));
    expect((await ws.cli('import', 'order.ndjson', '--format', 'segment')).exitCode).toBe(0);
    const bob = await ws.profile('email:bob@example.com');
    expect(await ws.buyers()).toEqual([[bob.customer_id, 10]]);
    await ws.setConfig('identity:\n  priority: [user, email, phone, external, anon]\n');
    const u1 = await ws.profile('user:u1');
    expect((await ws.profile('email:bob@example.com')).customer_id).toBe(bob.customer_id);
    expect(u1.computed).toMatchObject({ orders: 1 });
    expect(await ws.buyers()).toEqual([[u1.customer_id, 10]]);
  }, 180_000);

  it("re-keys an event's facts when the customer of the external id that decides it gets another id", async () => {
    const shop = (id: string) => ({ externalIds: [{ id, type: 'shopify_customer_id', collection: 'users', encoding: 'none' }] });
    const ws = await workspaceWith('identity:\n  priority: [shopify_customer_id, user, email, phone, external, anon]\n', [
      identify({ messageId: 'm1', userId: 'u1', traits: {}, context: shop('S1'), timestamp: at(0) }),
      identify({ messageId: 'm2', userId: 'u2', anonymousId: 'a2', traits: {}, context: shop('S2'), timestamp: at(1) }),
      // Refused (one user id), so the order is S2's by the priority, and nothing else of it names S2's customer.
      order({ messageId: 'm3', userId: 'u1', context: shop('S2') }),
    ]);
    dirs.push(ws.dir);
    expect(await ws.buyers()).toEqual([[(await ws.profile('shopify_customer_id:S2')).customer_id, 10]]);
    // An older sighting of the same person under an earlier shop id: their customer is named after it now.
    await writeFile(join(ws.dir, 'late.ndjson'), toNdjson([identify({ messageId: 'm4', userId: undefined, anonymousId: 'a2', traits: {}, context: shop('S0'), timestamp: new Date(Date.UTC(2025, 4, 1, 8)).toISOString() })]));
    expect((await ws.cli('import', 'late.ndjson', '--format', 'segment')).exitCode).toBe(0);
    const renamed = await ws.profile('shopify_customer_id:S2');
    expect(renamed.identifiers.map((i) => `${i.type}:${i.value}`)).toContain('shopify_customer_id:S0');
    expect(await ws.buyers()).toEqual([[renamed.customer_id, 10]]);
  }, 180_000);

  it('gives an event whose external ids name nobody to the customer of its columns, in profiles and in the facts', async () => {
    const ws = await workspaceWith('', [
      identify({ messageId: 'm1', userId: 'u1', traits: {}, timestamp: at(0) }),
      // Neither names anyone to identity: not Segment's array, and an entry whose id is an object.
      order({ messageId: 'm2', userId: 'u1', context: { externalIds: { id: 'S1', type: 'shop' } } }),
      order({ messageId: 'm3', userId: 'u1', properties: { order_id: 'o2', revenue: 5, currency: 'USD' }, timestamp: at(11), context: { externalIds: [{ id: { n: 1 }, type: 'shop' }] } }),
    ]);
    dirs.push(ws.dir);
    const u1 = await ws.profile('user:u1');
    expect(u1.computed).toMatchObject({ orders: 2, revenue: 15 });
    expect(await ws.buyers()).toEqual([[u1.customer_id, 15]]);
  }, 180_000);

  it('keeps the anonymous ids an import made up out of profiles, the export and lookups aside', async () => {
    const ws = await workspaceWith('', []);
    dirs.push(ws.dir);
    await writeFile(join(ws.dir, 'customers.csv'), 'customer_id,email,first_name\nC1,ann@example.com,Ann\n');
    expect((await ws.cli('import', 'customers.csv', '--format', 'customers')).exitCode).toBe(0);
    const ann = await ws.profile('email:ann@example.com');
    expect(ann.identifiers.map((i) => `${i.type}:${i.value}`).sort()).toEqual(['email:ann@example.com', 'shop:C1']);
    // Still in the graph: looking the customer up by it works, and explain lists it.
    expect((await ws.profile('anon:customers:C1')).customer_id).toBe(ann.customer_id);
    const explained = jsonOf<{ identifiers: { key: string }[] }>(await ws.cli('identity', 'explain', 'email:ann@example.com', '--json'));
    expect(explained.identifiers.map((i) => i.key)).toContain('anon:customers:C1');
    const exported = (await ws.cli('profiles', 'export', '--format', 'ndjson')).stdout.trim().split('\n').map((l) => JSON.parse(l) as ProfileJson);
    expect(exported.map((p) => p.identifiers.map((i) => `${i.type}:${i.value}`).sort())).toEqual([['email:ann@example.com', 'shop:C1']]);
  }, 180_000);
});
