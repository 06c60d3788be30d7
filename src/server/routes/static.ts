import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError, type WorkspaceConfig } from '../../contract/index.js';

/** web/dist, three folders up from both src/server/routes (tsx) and dist/server/routes (built). */
export const defaultWebRoot = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths that belong to the APIs: an unknown one there is a JSON 404, never the dashboard's page. */
const apiPrefixes = ['/api/', '/v1/', '/internal/', '/health', '/assets/', '/beacon/', '/analytics.js/', '/analytics-next/'];

export interface StaticDeps {
  workspace: WorkspaceConfig;
  /** The built dashboard (index.html and assets/); defaults to web/dist. */
  webRoot?: string;
}

const escapeAttribute = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The dashboard's page with what it needs to format numbers (base currency, reporting zone) written in. */
export function renderIndex(html: string, workspace: WorkspaceConfig): string {
  const info = JSON.stringify({ baseCurrency: workspace.baseCurrency, reportingTimezone: workspace.reportingTimezone });
  return html.replace('<!-- tessera:workspace -->', `<meta name="tessera-workspace" content="${escapeAttribute(info)}" />`);
}

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tessera</title></head><body>
<h1>The dashboard is not built</h1><p>Run <code>npm run build</code> (it builds web/ into web/dist), then restart <code>tessera serve</code>.
The APIs under /v1 and /api/v1 work without it.</p></body></html>`;

/**
 * Serves the dashboard: hashed assets cached for a year (their names change with their content),
 * and index.html, never cached, at `/` and at every other page path (the app routes in the browser).
 */
export async function registerStatic(app: FastifyInstance, deps: StaticDeps): Promise<void> {
  const root = deps.webRoot ?? defaultWebRoot;
  const indexFile = `${root}/index.html`;
  const built = existsSync(indexFile);
  const page = built ? renderIndex(readFileSync(indexFile, 'utf8'), deps.workspace) : notBuilt;
  if (built && existsSync(`${root}/assets`)) {
    await app.register(fastifyStatic, { root: `${root}/assets`, prefix: '/assets/', index: false, maxAge: '365d', immutable: true });
  }
  const sendPage = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (apiPrefixes.some((p) => path.startsWith(p))) throw new TesseraError('not_found', `no route GET ${path}`);
    return reply
      .status(built ? 200 : 503)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(page);
  };
  app.get('/', sendPage);
  app.get('/*', sendPage);
}
