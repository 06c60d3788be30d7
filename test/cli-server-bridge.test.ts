// The CLI's bridge to a server that holds the data directory, as a user meets it when the server does not
// simply answer: it dies while running the command, the user presses Ctrl-C, or it runs with other settings.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launcherEnv, launcherNodeArgs } from '../src/cli/launcher-env.js';
import { serverFile, type Workspace } from '../src/server/index.js';
import { assertCliBuilt, cliPath, runCli, startServe, type CliResult, type ServeProcess } from './helpers/cli.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

/** An HTTP server standing in for `tessera serve`'s bridge: `onCommand` decides what becomes of each forwarded command. */
async function fakeBridge(onCommand: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; server: Server; received: Promise<void> }> {
  let taken: () => void = () => undefined;
  const received = new Promise<void>((resolve) => (taken = resolve));
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      taken();
      onCommand(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, received };
}

describe('a command forwarded to a server that does not answer it', () => {
  let dir: string;
  let dataDir: string;
  let holder: Workspace | undefined;
  let bridge: Server | undefined;

  beforeEach(async () => {
    dir = await makeTempDir('tessera-bridge-');
    dataDir = join(dir, 'data');
    // This process holds DuckDB's lock in the server's place and announces the fake bridge as the server.
    holder = await openTestWorkspace(dataDir);
  });
  afterEach(async () => {
    bridge?.closeAllConnections();
    await new Promise((resolve) => (bridge ? bridge.close(resolve) : resolve(undefined)));
    bridge = undefined;
    await holder?.close();
    holder = undefined;
    await removeDir(dir);
  });

  it('says the server stopped answering while it ran the command, not "fetch failed", exit 2', async () => {
    const fake = await fakeBridge((request) => request.socket.destroy());
    bridge = fake.server;
    await writeFile(serverFile(dataDir), JSON.stringify({ pid: process.pid, url: fake.url, token: 't' }));
    const result = await runCli(['keys', 'list'], { dataDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/fetch failed/);
    expect(result.stderr).toMatch(new RegExp(`the server at ${fake.url} stopped answering while it ran the command .*it may have run`));
  });

  it('on Ctrl-C says the server goes on with the command, and exits 130', async () => {
    // A server that is still working on the command when the user gives up waiting.
    const fake = await fakeBridge(() => undefined);
    bridge = fake.server;
    await writeFile(serverFile(dataDir), JSON.stringify({ pid: process.pid, url: fake.url, token: 't' }));
    assertCliBuilt();
    const child = spawn(process.execPath, [...launcherNodeArgs, cliPath, 'keys', 'list', '--data', dataDir], {
      cwd: tmpdir(),
      env: { ...process.env, ...launcherEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.resume();
    const exited = new Promise<CliResult>((resolve) => child.on('close', (exitCode, signal) => resolve({ stdout: '', stderr, exitCode, signal })));
    await fake.received;
    child.kill('SIGINT');
    const result = await exited;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toMatch(new RegExp(`interrupted: the command went to the server at ${fake.url}, which runs it to its end even so`));
  });
});

describe('a command forwarded to a server that runs with other settings', () => {
  let dir: string;
  let dataDir: string;
  let server: ServeProcess | undefined;

  beforeEach(async () => {
    dir = await makeTempDir('tessera-bridge-config-');
    dataDir = join(dir, 'data');
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await removeDir(dir);
  });

  it("notes on stderr which of the CLI's settings the server's replaced, and says nothing when they agree", async () => {
    expect((await runCli(['keys', 'create', '--name', 'shop'], { dataDir })).exitCode).toBe(0);
    server = await startServe(dataDir, { env: { TESSERA_TIMEZONE: 'Asia/Tokyo' } });

    // Without the server this would answer in UTC, from the CLI's own settings: the user must learn it did not.
    const other = await runCli(['keys', 'list', '--json'], { dataDir });
    expect(other.exitCode, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout)).toMatchObject({ keys: [{ name: 'shop' }] });
    expect(other.stderr).toMatch(/^note: the server that holds this data directory ran the command with its own configuration, which differs from yours .* in workspace\.reportingTimezone;/);

    const config = join(dir, 'tokyo.yaml');
    await writeFile(config, 'workspace:\n  reportingTimezone: Asia/Tokyo\n');
    const same = await runCli(['keys', 'list', '--json', '--config', config], { dataDir });
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stderr).toBe('');
  });
});
