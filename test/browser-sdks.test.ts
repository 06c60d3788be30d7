// The browser SDKs in a real headless Chromium, on a shop page served from another origin than Tessera's: the
// way most shops send their web events. Only the API host changes. Segment's (analytics.js,
// @segment/analytics-next) posts text/plain to one-letter paths with the write key in the body; RudderStack's
// (@rudderstack/analytics-js) posts JSON with a Basic header, after a CORS preflight.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { httpEventReader, waitFor, type StoredMessage } from './helpers/events.js';
import { startTestServer, type TestServer } from './helpers/workspace.js';

const bundles = join(process.cwd(), 'node_modules/@segment/analytics-next/dist/umd');
/** RudderStack's build with its plugins inside (its modern build fetches them from RudderStack's CDN). */
const rudderModule = join(process.cwd(), 'node_modules/@rudderstack/analytics-js/dist/npm/legacy/esm/index.mjs');

/** The shop's own web server: one page, and analytics.js served by the shop itself (no Segment CDN here). */
async function startShop(page: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    // analytics.js asks for its lazily loaded parts under <cdnURL>/analytics-next/bundles/.
    const bundle = /^\/analytics-next\/bundles\/([\w.-]+\.js)$/.exec(path)?.[1];
    const file = path === '/rudder/index.mjs' ? rudderModule : bundle ? join(bundles, bundle) : undefined;
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("the browser SDKs on a shop's page", () => {
  let tessera: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    tessera = await startTestServer();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await tessera?.cleanup();
  });

  /** The stored messages of a visitor, once `count` are there (and a moment more, for a retried duplicate to show). */
  async function storedOf(anonymousId: string, count: number): Promise<StoredMessage[]> {
    expect(anonymousId).toMatch(/\w/);
    const read = httpEventReader(tessera.url, tessera.readKey);
    const mine = async () => (await read()).map((e) => e.message).filter((m) => m.anonymousId === anonymousId);
    await waitFor(async () => ((await mine()).length >= count ? true : undefined), `${count} calls of the page`);
    await new Promise((r) => setTimeout(r, 300));
    return mine();
  }

  /**
   * Serves `page` from the shop's origin and opens it in a fresh tab (`watch` sees the tab first); the page's
   * `window.done` gives its visitor's anonymousId, and the visit ends once `count` of their messages are stored.
   */
  async function visit(page: string, count: number, watch?: (tab: Page) => void) {
    const shop = await startShop(page);
    try {
      const { page: tab, consoleErrors } = await browser.newPage();
      watch?.(tab);
      await tab.goto(shop.url);
      const anonymousId = (await tab.evaluate('window.done')) as string;
      return { shopUrl: shop.url, consoleErrors, mine: await storedOf(anonymousId, count), anonymousId };
    } finally {
      await shop.close();
    }
  }

  it("Segment's lands identify, track, page, group and alias once each, with what the browser knows", async () => {
    const apiHost = `${new URL(tessera.url).host}/v1`;
    const page = `<!doctype html><html><head><title>Organic cotton t-shirt</title>
<script src="/analytics-next/bundles/index.js"></script></head><body><h1>Shop</h1><script>
window.done = (async () => {
  const [analytics] = await AnalyticsNext.AnalyticsBrowser.load(
    { writeKey: ${JSON.stringify(tessera.writeKey)}, cdnURL: location.origin,
      cdnSettings: { integrations: { 'Segment.io': { apiKey: ${JSON.stringify(tessera.writeKey)}, apiHost: ${JSON.stringify(apiHost)}, protocol: 'http' } } } },
  );
  const anonymousId = analytics.user().anonymousId();
  await analytics.page('Product', 'Organic cotton t-shirt');
  await analytics.track('Product Viewed', { sku: 'TS-1', price: 24.99 });
  await analytics.identify('browser-user-1', { email: ' Ada@Example.com ', first_name: 'Ada' });
  await analytics.group('acme', { name: 'Acme' });
  await analytics.alias('browser-user-2');
  return anonymousId;
})();
</script></body></html>`;
    const { shopUrl, consoleErrors, mine } = await visit(page, 5);
    expect(mine.map((m) => m.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'track']);

    const byType = (type: string) => mine.find((m) => m.type === type) as StoredMessage & Record<string, unknown>;
    const viewed = byType('track');
    expect(viewed).toMatchObject({ event: 'Product Viewed', properties: { sku: 'TS-1', price: 24.99 } });
    // What only a browser knows travels with every call: the page and the user agent.
    expect(viewed.context).toMatchObject({ page: { url: `${shopUrl}/`, title: 'Organic cotton t-shirt' }, library: { name: 'analytics.js' } });
    expect(String((viewed.context as Record<string, unknown>)['userAgent'])).toMatch(/Chrome/);
    // The browser's address, which analytics.js cannot know: recorded by the server, as Segment's API does.
    expect((viewed.context as Record<string, unknown>)['ip']).toBe('127.0.0.1');
    expect(byType('page')).toMatchObject({ category: 'Product', name: 'Organic cotton t-shirt' });
    expect(byType('identify')).toMatchObject({ userId: 'browser-user-1', traits: { first_name: 'Ada' } });
    expect(byType('group')).toMatchObject({ groupId: 'acme', traits: { name: 'Acme' } });
    // analytics.js names the identified user as previousId (its own choice; stored as sent).
    expect(byType('alias')).toMatchObject({ previousId: 'browser-user-1' });
    // Before identify the SDK sent `"userId": null`, which is no userId (it had been refused as a wrong type).
    expect(viewed).not.toHaveProperty('userId');
    // The write key rode in the body; it is never stored.
    expect(JSON.stringify(mine)).not.toContain(tessera.writeKey);
    expect(consoleErrors).toEqual([]);
  });

  it("RudderStack's lands page, track, identify and group once each, an anonymous visitor's userId \"\" as none", async () => {
    const sourceConfig = { source: { id: 'shop', name: 'shop', writeKey: tessera.writeKey, enabled: true, workspaceId: 'shop', config: {}, destinations: [] } };
    const page = `<!doctype html><html><head><title>Organic cotton t-shirt</title></head><body><h1>Shop</h1><script type="module">
import { RudderAnalytics } from '/rudder/index.mjs';
const rudder = new RudderAnalytics();
window.done = new Promise((resolve) => rudder.load(${JSON.stringify(tessera.writeKey)}, ${JSON.stringify(tessera.url)}, {
  getSourceConfig: () => (${JSON.stringify(sourceConfig)}),
  plugins: ['XhrQueue'], polyfillIfRequired: false, sendAdblockPage: false,
  onLoaded: () => {
    rudder.page('Product', 'Organic cotton t-shirt');
    rudder.track('Product Viewed', { sku: 'TS-1', price: 24.99 });
    rudder.identify('rudder-user-1', { email: 'grace@example.com' });
    rudder.group('acme', { name: 'Acme' });
    resolve(rudder.getAnonymousId());
  },
}));
</script></body></html>`;
    const { shopUrl, mine, anonymousId } = await visit(page, 4);
    expect(mine.map((m) => m.type).sort()).toEqual(['group', 'identify', 'page', 'track']);
    const viewed = mine.find((m) => m.type === 'track') as StoredMessage & Record<string, unknown>;
    expect(viewed).toMatchObject({ event: 'Product Viewed', properties: { sku: 'TS-1', price: 24.99 } });
    expect(viewed.context).toMatchObject({ page: { url: `${shopUrl}/` }, library: { name: 'RudderLabs JavaScript SDK' }, ip: '127.0.0.1' });
    expect(viewed).not.toHaveProperty('userId');
    // RudderStack sends an identify's traits in context.traits: they still make the customer's profile.
    expect(mine.find((m) => m.type === 'identify')).toMatchObject({ userId: 'rudder-user-1', context: { traits: { email: 'grace@example.com' } } });
    const profile = await waitFor(async () => {
      const r = await fetch(`${tessera.url}/api/v1/profiles?identifier=email:grace@example.com`, { headers: { authorization: `Bearer ${tessera.readKey}` } });
      return r.ok ? ((await r.json()) as { identifiers: { type: string; value: string }[]; traits: Record<string, unknown> }) : undefined;
    }, 'the profile of grace@example.com');
    expect(profile.traits).toMatchObject({ email: 'grace@example.com' });
    expect(profile.identifiers).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'user', value: 'rudder-user-1' }), expect.objectContaining({ type: 'anon', value: anonymousId })]),
    );
  });

  it("RudderStack's with useBeacon lands its events through navigator.sendBeacon", async () => {
    const sourceConfig = { source: { id: 'shop', name: 'shop', writeKey: tessera.writeKey, enabled: true, workspaceId: 'shop', config: {}, destinations: [] } };
    const page = `<!doctype html><html><head><title>Cart</title></head><body><script type="module">
import { RudderAnalytics } from '/rudder/index.mjs';
const rudder = new RudderAnalytics();
window.done = new Promise((resolve) => rudder.load(${JSON.stringify(tessera.writeKey)}, ${JSON.stringify(tessera.url)}, {
  getSourceConfig: () => (${JSON.stringify(sourceConfig)}),
  useBeacon: true, beaconQueueOptions: { flushQueueInterval: 100 },
  plugins: ['BeaconQueue'], polyfillIfRequired: false, sendAdblockPage: false,
  onLoaded: () => {
    rudder.page('Checkout', 'Cart');
    rudder.track('Cart Viewed', { items: 2 });
    resolve(rudder.getAnonymousId());
  },
}));
</script></body></html>`;
    const beacons: string[] = [];
    const { mine } = await visit(page, 2, (tab) =>
      tab.on('request', (r) => {
        if (r.url().includes('/beacon/v1/batch')) beacons.push(r.url());
      }),
    );
    expect(mine.map((m) => m.type).sort()).toEqual(['page', 'track']);
    expect(mine.find((m) => m.type === 'track')).toMatchObject({ event: 'Cart Viewed', properties: { items: 2 } });
    // They came as beacons, the way this option sends them.
    expect(beacons.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine)).not.toContain(tessera.writeKey);
  });

  it("Segment's snippet keeps working with one host changed: Tessera serves analytics.js and its settings", async () => {
    const key = JSON.stringify(tessera.writeKey);
    // What the snippet does (ours, not Segment's text): queue calls on a stub, then load analytics.js from the
    // CDN host, here Tessera's (the one change), which replays them once it has its settings from the same host.
    const page = `<!doctype html><html><head><title>Home</title><script>
const analytics = (window.analytics = []);
for (const method of ['page', 'track', 'identify', 'ready']) analytics[method] = (...args) => (analytics.push([method, ...args]), analytics);
analytics._writeKey = ${key};
// Over https analytics.js takes its CDN from the script's URL; it only reads an https one, so over this test's http the host is also said here.
analytics._cdn = ${JSON.stringify(tessera.url)};
window.done = new Promise((resolve) => analytics.ready(() => resolve(window.analytics.user().anonymousId())));
analytics.page();
analytics.track('Newsletter Signed Up', { list: 'weekly' });
</script><script async src="${tessera.url}/analytics.js/v1/${tessera.writeKey}/analytics.min.js"></script></head><body><h1>Shop</h1></body></html>`;
    const { consoleErrors, mine } = await visit(page, 2);
    expect(mine.map((m) => m.type).sort()).toEqual(['page', 'track']);
    expect(mine.find((m) => m.type === 'track')).toMatchObject({ event: 'Newsletter Signed Up', properties: { list: 'weekly' }, context: { library: { name: 'analytics.js' } } });
    expect(consoleErrors).toEqual([]);
    // A key that is not a write key gets neither the script nor settings.
    expect((await fetch(`${tessera.url}/analytics.js/v1/${tessera.readKey}/analytics.min.js`)).status).toBe(404);
    expect((await fetch(`${tessera.url}/v1/projects/nope/settings`)).status).toBe(404);
  });
});
