export { createApp, type AppDeps, type CommandRunner } from './create-app.js';
export { startServer, type RunningServer, type ServerInfo } from './start-server.js';
export { openWorkspace, workspaceExists, serverFile, identityGraphFile, followLog, type LogFollower, type Workspace } from './workspace.js';
export { loadDemo, type DemoLoad, type DemoOptions } from './load-demo.js';
export { segmentScope } from './segment-scope.js';
export { checkAlerts } from './alert-checks.js';
