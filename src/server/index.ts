import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './create-app.js';
import type { RunningServer } from './start-server.js';
import type { Workspace } from './workspace.js';

export type { AppDeps, CommandOutput, CommandRunner } from './create-app.js';
export type { RunningServer, ServerInfo } from './start-server.js';
export { openWorkspace, workspaceExists, serverFile, identityGraphFile, followLog, type LogFollower, type Workspace } from './workspace.js';
export { loadDemo, type DemoLoad, type DemoOptions } from './load-demo.js';
export { segmentScope } from './segment-scope.js';
export { checkAlerts } from './alert-checks.js';
export { warmReadSettings, type WarmRead } from './warm-read.js';

// Fastify and the routes load when a server is made (~0.4 s here), not with every CLI command that only reads.

/** The HTTP app (tracking, read API, dashboard) over a workspace; it does not listen. */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  return (await import('./create-app.js')).createApp(deps);
}

/** Starts listening and announces the server in the data directory; `stop` undoes both. */
export async function startServer(workspace: Workspace, options: Parameters<typeof import('./start-server.js').startServer>[1]): Promise<RunningServer> {
  return (await import('./start-server.js')).startServer(workspace, options);
}
