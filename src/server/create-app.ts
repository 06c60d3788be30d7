import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TesseraError, type TesseraConfig } from '../contract/index.js';
import type { IdentityService } from '../identity/index.js';
import type { Ingestor } from '../ingest/index.js';
import type { ApiKeyVerifier } from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { handleError } from './error-handler.js';
import { Notifier } from './notifier.js';
import { registerAlertsRoutes } from './routes/alerts.js';
import { registerLive } from './routes/live.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerOpenApi } from './routes/openapi.js';
import { registerPredictRoutes } from './routes/predict.js';
import { registerProfilesApi } from './routes/profiles.js';
import { registerReadApi } from './routes/read-api.js';
import { registerSegmentsApi } from './routes/segments.js';
import { registerSegmentWrites } from './routes/segment-writes.js';
import { registerStatic } from './routes/static.js';
import { registerTracking, TrackingText } from './routes/tracking.js';
import { registerBrowserSdkFiles } from './routes/browser-sdk.js';
import { registerCliBridge, type CommandRunner } from './routes/cli-bridge.js';

export type { CommandOutput, CommandRunner } from './routes/cli-bridge.js';

export interface AppDeps {
  store: Store;
  ingestor: Ingestor;
  keys: ApiKeyVerifier;
  config: TesseraConfig;
  logger: Logger;
  /** Secret of the local CLI bridge, stored in the data directory readable only by its owner. */
  localToken: string;
  runCommand?: CommandRunner;
  /** Identity resolution of the workspace: with it, the profiles API is served. */
  identity?: IdentityService;
  /** Notices for the live feed (alerts fired); the workspace's, when a server holds one. */
  notifier?: Notifier;
}

/** Fastify takes a count of hops at run time but not in its types: the same rule as a function. */
function trustedProxies(setting: TesseraConfig['server']['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/**
 * A request's URL with its path's runs of slashes made one and a trailing slash dropped, so that a path reaches
 * the route it names: an SDK joins the host it is given and its path, and a host given with a final slash makes
 * `//v1/batch` (Segment's Go SDK) or `/proxy//v1/batch`. Done before routing, so every hook (the read API's token
 * check among them) sees the path that was routed.
 */
function normalizedUrl(url: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (!path.includes('//') && (path.length === 1 || !path.endsWith('/'))) return url;
  const normal = path.replace(/\/{2,}/g, '/');
  return (normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal) + (query < 0 ? '' : url.slice(query));
}

/** The HTTP app: built here, listened on by the caller (tests use inject or a real socket). */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.ingest.maxBatchBytes,
    // The front of the server takes thousands of small batches a second; keep-alive lets SDKs reuse sockets.
    keepAliveTimeout: 65_000,
    // request.ip (recorded as context.ip) reads X-Forwarded-For only from these proxies.
    trustProxy: trustedProxies(deps.config.server.trustProxy),
    rewriteUrl: (request) => normalizedUrl(request.url ?? '/'),
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new TesseraError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // RudderStack's Node SDK sends its gzipped JSON labelled as a form; the tracking API reads every
  // such body as JSON (and a body that is not JSON gets invalid_json), other types get 415.
  const jsonTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'];
  app.addContentTypeParser(jsonTypes, { parseAs: 'string' }, (request, body, done) => {
    // Tracking bodies are parsed where they are prepared (a worker thread), not here.
    if (request.url.startsWith('/v1/') || request.url.startsWith('/beacon/v1/')) return done(null, new TrackingText(body as string));
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      done(new TesseraError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  app.get('/health', async () => ({ ok: true }));
  await registerTracking(app, { ingestor: deps.ingestor, keys: deps.keys, config: deps.config.ingest });
  registerBrowserSdkFiles(app, deps.keys);
  // Before the read API: the live feed's ?token= becomes the header the read API checks.
  const notifier = deps.notifier ?? new Notifier();
  await registerLive(app, { store: deps.store, ingestor: deps.ingestor, notifier });
  registerReadApi(app, { store: deps.store, keys: deps.keys, localToken: deps.localToken });
  registerSegmentsApi(app, { store: deps.store, workspace: deps.config.workspace });
  registerSegmentWrites(app, { store: deps.store, workspace: deps.config.workspace });
  if (deps.identity) registerProfilesApi(app, { store: deps.store, identity: deps.identity, workspace: deps.config.workspace });
  registerOpenApi(app);
  await registerStatic(app, { workspace: deps.config.workspace });
  registerMetricsRoutes(app, { store: deps.store, config: deps.config, keys: deps.keys, localToken: deps.localToken, ...(deps.identity ? { identity: deps.identity } : {}) });
  registerAlertsRoutes(app, { store: deps.store, config: deps.config, notifier });
  registerPredictRoutes(app, { store: deps.store, config: deps.config, keys: deps.keys, localToken: deps.localToken, ...(deps.identity ? { identity: deps.identity } : {}) });

  if (deps.runCommand) registerCliBridge(app, { localToken: deps.localToken, runCommand: deps.runCommand });
  return app;
}
