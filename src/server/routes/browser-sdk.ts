import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../../contract/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';

/** Segment's browser SDK as its snippet loads it: the standalone build and the parts it loads lazily. */
const bundles = join(dirname(createRequire(import.meta.url).resolve('@segment/analytics-next/package.json')), 'dist/umd');

const bundleName = /^[\w.-]+\.js$/;

/**
 * What Segment's CDN gives a page that runs the analytics.js snippet, served by Tessera, so that a shop keeps
 * its snippet and changes one host, its script URL's: `/analytics.js/v1/KEY/analytics.min.js` (the
 * standalone build of `@segment/analytics-next`), the parts it loads from `/analytics-next/bundles/`, and
 * `/v1/projects/KEY/settings` (registerBrowserSdkSettings, in the tracking routes' scope, which answers
 * browsers), whose one destination is this server's tracking API. A key that is not a write key gets 404.
 */
export function registerBrowserSdkFiles(app: FastifyInstance, keys: ApiKeyVerifier): void {
  const script = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(join(bundles, file));
    } catch {
      throw new TesseraError('not_found', `no analytics.js file ${file}`);
    }
  };
  app.get<{ Params: { writeKey: string } }>('/analytics.js/v1/:writeKey/analytics.min.js', async (request, reply) => {
    await requireKnownWriteKey(keys, request.params.writeKey);
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(await script('standalone.js'));
  });
  app.get<{ Params: { file: string } }>('/analytics-next/bundles/:file', async (request, reply) => {
    const file = request.params.file;
    if (!bundleName.test(file)) throw new TesseraError('not_found', `no analytics.js file ${file}`);
    // Their names carry a hash of their content.
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(await script(file));
  });
}

/** `/projects/KEY/settings` in the tracking API's `/v1` scope: what the snippet asks its CDN for before it sends anything. */
export function registerBrowserSdkSettings(v1: FastifyInstance, keys: ApiKeyVerifier): void {
  v1.get<{ Params: { writeKey: string } }>('/projects/:writeKey/settings', async (request) => {
    await requireKnownWriteKey(keys, request.params.writeKey);
    return browserSdkSettings(request, request.params.writeKey);
  });
}

/**
 * The settings analytics.js loads at start: send everything to this server's tracking API, at the host and scheme
 * the browser used. Behind a proxy that ends TLS the server sees http, and a page on https would then be told to
 * post to http (blocked as mixed content), so the proxy's X-Forwarded-Proto wins.
 */
function browserSdkSettings(request: FastifyRequest, writeKey: string): Record<string, unknown> {
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim();
  const protocol = forwarded === 'https' || forwarded === 'http' ? forwarded : request.protocol === 'https' ? 'https' : 'http';
  return {
    integrations: {
      'Segment.io': { apiKey: writeKey, apiHost: `${request.host}/v1`, protocol, unbundledIntegrations: [], addBundledMetadata: true },
    },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
    // Segment's SDK would otherwise post samples of its own metrics to Segment.
    metrics: { sampleRate: 0 },
    remotePlugins: [],
    enabledMiddleware: {},
    legacyVideoPluginsEnabled: false,
  };
}

/** 404, not 401: these are files a page fetches by a URL that names the key. */
async function requireKnownWriteKey(keys: ApiKeyVerifier, writeKey: string): Promise<void> {
  if (!(await keys.verify(writeKey, 'write'))) throw new TesseraError('not_found', 'no source has this write key');
}
