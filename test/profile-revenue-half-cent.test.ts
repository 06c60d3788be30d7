// A customer's revenue is summed as a decimal: a sum that lands on a half cent rounds half up, as the decimal says,
// not down because the JavaScript double of 0.285 is 0.28499999999999998.

import { afterEach, describe, expect, it } from 'vitest';
import { readProfile } from '../src/identity/index.js';
import { track, type Message } from './helpers/messages.js';
import { sendAndResolve, temporaryWorkspaces } from './helpers/workspace.js';

const workspaces = temporaryWorkspaces();
afterEach(() => workspaces.closeAll());
const at = (day: number): string => new Date(Date.UTC(2025, 2, day, 10)).toISOString();
const order = (id: string, total: number, day: number): Message =>
  track({ userId: 'dee', messageId: `oc-${id}`, event: 'Order Completed', properties: { order_id: id, total, currency: 'USD' }, timestamp: at(day) });

describe("a profile's revenue", () => {
  it('rounds a decimal sum on a half cent half up: 0.085 + 0.2 is 0.29', async () => {
    const ws = await workspaces.open('tessera-half-cent-');
    await sendAndResolve(ws, [order('H-1', 0.085, 1), order('H-2', 0.2, 2)]);
    expect((await readProfile(ws.store, ws.identity, 'user:dee')).computed).toMatchObject({ orders: 2, revenue: 0.29 });
  });

  it('rounds a single order of 10.075 to 10.08', async () => {
    const ws = await workspaces.open('tessera-half-cent-');
    await sendAndResolve(ws, [order('H-3', 10.075, 1)]);
    expect((await readProfile(ws.store, ws.identity, 'user:dee')).computed).toMatchObject({ orders: 1, revenue: 10.08 });
  });
});
