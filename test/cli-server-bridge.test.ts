// The CLI's bridge to a server that holds the data directory, as a user meets it when the server does not
// simply answer: it dies while running the command, the user presses Ctrl-C, or it runs with other settings.

import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliHooks } from '../src/cli/dispatch.js';
import { forward } from '../src/cli/hosts.js';
import type { CliIo } from '../src/cli/context.js';
import { launcherEnv, launcherNodeArgs } from '../src/cli/launcher-env.js';
import { serverFile, startServer, type RunningServer, type ServerInfo, type Workspace } from '../src/server/index.js';
import { assertCliBuilt, cliPath, runCli, startServe, type CliResult, type ServeProcess } from './helpers/cli.js';
import { toNdjson, trackOfSize } from './helpers/messages.js';
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

  it('keeps the output that came before a server died halfway through a command, then says it stopped answering, exit 2', async () => {
    const fake = await fakeBridge((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write(JSON.stringify({ out: 'the first part\n' }) + '\n' + JSON.stringify({ err: 'working\n' }) + '\n', () => response.socket?.destroy());
    });
    bridge = fake.server;
    await writeFile(serverFile(dataDir), JSON.stringify({ pid: process.pid, url: fake.url, token: 't' }));
    const result = await runCli(['keys', 'list'], { dataDir });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stdout).toBe('the first part\n');
    expect(result.stderr).toMatch(new RegExp(`^working\ninternal error: the server at ${fake.url} stopped answering while it ran the command .*it may have run in part or whole`));
  });

  it('on Ctrl-C says what the server does with the command, and exits 130', async () => {
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
    expect(result.stderr).toMatch(new RegExp(`interrupted: the command went to the server at ${fake.url}\\. An import stops there at its next chunk .*; any other command runs to its end`));
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

/** A CLI's io whose every write is recorded with whether the server's command was still running at the time. */
function recordingIo(running: () => boolean, options: { errIsTty?: boolean; write?: (text: string) => Promise<void> } = {}) {
  const writes: { text: string; whileRunning: boolean }[] = [];
  let stderr = '';
  const io: CliIo = {
    out: (text) => void writes.push({ text, whileRunning: running() }),
    err: (text) => void (stderr += text),
    async write(text) {
      writes.push({ text, whileRunning: running() });
      await options.write?.(text);
    },
    isTty: false,
    errIsTty: options.errIsTty ?? false,
  };
  return { io, writes, stdout: () => writes.map((w) => w.text).join(''), stderr: () => stderr };
}

/** Resolves once `value` has moved from 0 and then not changed for `quietMs` (or throws after `timeoutMs`). */
async function settled(value: () => number, quietMs = 1000, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (value() !== last || last === 0) {
      last = value();
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return last;
  }
  throw new Error(`still changing after ${timeoutMs} ms`);
}

describe('a command forwarded to a server that streams its output back', () => {
  const messages = 30_000;
  const mb = 1024 * 1024;
  let dir: string;
  let dataDir: string;
  let file: string;
  let small: string;
  let localExport: string;
  let ws: Workspace | undefined;
  let running: RunningServer | undefined;
  let server: ServerInfo;
  /** What the server's command has handed to the bridge's stdout so far, its stderr, and whether it has ended. */
  const command = { handed: 0, stderr: '', running: false, exitCode: undefined as number | undefined };

  beforeAll(async () => {
    dir = await makeTempDir('tessera-bridge-stream-');
    dataDir = join(dir, 'data');
    file = join(dir, 'events.ndjson');
    // ~30 MB: several times what the sockets between server and CLI hold when the CLI does not read (~4 MB here).
    const sent = Array.from({ length: messages }, () => trackOfSize(1000));
    await writeFile(file, toNdjson(sent));
    // Messages of the store again: all duplicates, so an import of them leaves the store the other tests read as it was.
    small = join(dir, 'small.ndjson');
    await writeFile(small, toNdjson(sent.slice(0, 100)));
    const imported = await runCli(['import', file], { dataDir, timeoutMs: 120_000 });
    expect(imported.exitCode, imported.stderr).toBe(0);
    const local = await runCli(['events', 'export'], { dataDir, timeoutMs: 120_000 });
    expect(local.exitCode, local.stderr).toBe(0);
    localExport = local.stdout;

    ws = await openTestWorkspace(dataDir);
    const serverRunner = cliHooks.serverRunner(ws);
    running = await startServer(ws, {
      host: '127.0.0.1',
      port: 0,
      async runCommand(forwarded, output) {
        command.handed = 0;
        command.stderr = '';
        command.running = true;
        command.exitCode = undefined;
        const counted = {
          ...output,
          write(text: string) {
            command.handed += text.length;
            return output.write(text);
          },
          err(text: string) {
            command.stderr += text;
            output.err(text);
          },
        };
        try {
          command.exitCode = await serverRunner(forwarded, counted);
          return command.exitCode;
        } finally {
          command.running = false;
        }
      },
    });
    server = JSON.parse(await readFile(serverFile(dataDir), 'utf8')) as ServerInfo;
  }, 240_000);
  afterAll(async () => {
    await running?.stop();
    await ws?.close();
    await removeDir(dir);
  });

  it('writes an events export to the CLI in many frames while the command runs, byte for byte the local export', async () => {
    const cli = recordingIo(() => command.running);
    expect(await forward(server, ['events', 'export'], tmpdir(), cli.io)).toBe(0);
    expect(cli.writes.length).toBeGreaterThan(10);
    expect(cli.writes[0]?.whileRunning).toBe(true);
    expect(cli.stdout().length).toBe(localExport.length);
    expect(cli.stdout() === localExport).toBe(true);
    expect(cli.stderr()).toBe(`exported ${messages} messages\n`);
  });

  it('holds an export back while the CLI does not read: the server hands over a few MB of it, not the whole', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A CLI whose stdout takes nothing: the first write never finishes until released.
    const cli = recordingIo(() => command.running, { write: () => released });
    const forwarded = forward(server, ['events', 'export'], tmpdir(), cli.io);
    try {
      const handed = await settled(() => command.handed);
      expect(command.running).toBe(true);
      expect(handed).toBeLessThan(12 * mb);
      expect(localExport.length).toBeGreaterThan(2 * 12 * mb);
    } finally {
      release();
    }
    expect(await forwarded).toBe(0);
    expect(cli.stdout() === localExport).toBe(true);
  });

  it('stops an export whose CLI went away (its reader closed the pipe) instead of writing on for nobody', async () => {
    let writes = 0;
    const cli = recordingIo(() => command.running, {
      write: () => (++writes === 2 ? Promise.reject(new Error('EPIPE')) : Promise.resolve()),
    });
    await expect(forward(server, ['events', 'export'], tmpdir(), cli.io)).rejects.toThrow('EPIPE');
    await expect.poll(() => command.running, { timeout: 10_000 }).toBe(false);
    expect(command.exitCode).toBe(2);
    expect(command.handed).toBeLessThan(localExport.length / 2);
  });

  it("shows a forwarded import's progress line when the CLI's stderr is a terminal, and none when it is not", async () => {
    const terminal = recordingIo(() => command.running, { errIsTty: true });
    expect(await forward(server, ['import', small], tmpdir(), terminal.io)).toBe(0);
    expect(terminal.stderr()).toMatch(/^\r\x1b\[Ksmall\.ndjson: /);
    expect(terminal.stderr()).toMatch(/small\.ndjson: 100 rows read, 0 events written, 100 duplicates skipped/);

    const pipe = recordingIo(() => command.running, { errIsTty: false });
    expect(await forward(server, ['import', small], tmpdir(), pipe.io)).toBe(0);
    expect(pipe.stderr()).toMatch(/^\/.*small\.ndjson: 100 rows read/);
    expect(pipe.stderr()).not.toContain('\r');
  });

  it('stops an import whose CLI went away (Ctrl-C) at its next chunk, saying what went in, instead of importing for nobody', async () => {
    // The CLI leaves at the first progress line it is shown, as one does whose user pressed Ctrl-C.
    const cli = recordingIo(() => command.running, { errIsTty: true });
    cli.io.err = () => {
      throw new Error('SIGINT');
    };
    await expect(forward(server, ['import', file], tmpdir(), cli.io)).rejects.toThrow('SIGINT');
    await expect.poll(() => command.running, { timeout: 20_000 }).toBe(false);
    expect(command.exitCode).toBe(1);
    expect(command.stderr).toMatch(/error: events\.ndjson: stopped, as the command's caller went away \(Ctrl-C\): at line \d+, 0 new events were in; importing the file again adds only the rest\n$/);
    const stoppedAt = Number(/at line (\d+)/.exec(command.stderr)?.[1]);
    expect(stoppedAt).toBeLessThan(messages);
  });

  it('answers a bad token or a bad command in the one error shape, before any command runs', async () => {
    const post = (token: string, body: unknown) =>
      fetch(`${server.url}/internal/v1/cli`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const stranger = await post('not-the-token', { argv: ['keys', 'list'], cwd: '/' });
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toEqual({ error: { code: 'unauthorized', message: 'bad local token' } });
    const garbled = await post(server.token, { argv: 'keys list', cwd: '/' });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ error: { code: 'bad_request' } });
  });
});
