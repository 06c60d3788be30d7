// Segment's browser SDK (analytics.js, @segment/analytics-next) in a real headless Chromium, on a shop page
// served from another origin than Tessera's: the way most shops send their web events. Only the API host
// changes; the SDK posts text/plain to one-letter paths with the write key in the body, across origins.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { httpEventReader, waitFor, type StoredMessage } from './helpers/events.js';
import { startTestServer, type TestServer } from './helpers/workspace.js';

const bundles = join(process.cwd(), 'node_modules/@segment/analytics-next/dist/umd');

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
    const file = /^\/analytics-next\/bundles\/([\w.-]+\.js)$/.exec(path)?.[1];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(bundles, file)).then(
      (body) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("Segment's browser SDK on a shop's page", () => {
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

  it('lands identify, track, page, group and alias once each, with what the browser knows', async () => {
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
    const shop = await startShop(page);
    try {
      const { page: tab, consoleErrors } = await browser.newPage();
      await tab.goto(shop.url);
      const anonymousId = (await tab.evaluate('window.done')) as string;
      expect(anonymousId).toMatch(/\w/);

      const read = httpEventReader(tessera.url, tessera.readKey);
      let mine: StoredMessage[] = [];
      await waitFor(async () => {
        mine = (await read()).map((e) => e.message).filter((m) => m.anonymousId === anonymousId);
        return mine.length >= 5 ? true : undefined;
      }, 'the five calls of the page');
      // Give a retried duplicate the chance to show up before counting.
      await new Promise((r) => setTimeout(r, 300));
      mine = (await read()).map((e) => e.message).filter((m) => m.anonymousId === anonymousId);
      expect(mine.map((m) => m.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'track']);

      const byType = (type: string) => mine.find((m) => m.type === type) as StoredMessage & Record<string, unknown>;
      const viewed = byType('track');
      expect(viewed).toMatchObject({ event: 'Product Viewed', properties: { sku: 'TS-1', price: 24.99 } });
      // What only a browser knows travels with every call: the page and the user agent.
      expect(viewed.context).toMatchObject({ page: { url: `${shop.url}/`, title: 'Organic cotton t-shirt' }, library: { name: 'analytics.js' } });
      expect(String((viewed.context as Record<string, unknown>)['userAgent'])).toMatch(/Chrome/);
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
    } finally {
      await shop.close();
    }
  });
});
