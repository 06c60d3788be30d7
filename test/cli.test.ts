// The built `tessera` CLI as a user runs it (product.md, "Commands"): output on the right stream,
// exit codes, --json documents, and the same commands with and without a server on the data directory.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertCliBuilt, cliPath, runCli, startServe, type CliResult, type ServeProcess } from './helpers/cli.js';
import { httpEventReader, waitForMessageIds } from './helpers/events.js';
import { identify, page, toNdjson, track, type Message } from './helpers/messages.js';
import { serverFile } from '../src/server/index.js';
import { basicAuth, makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

/** Asserts success and returns the one JSON document on stdout. */
function jsonOf(result: CliResult): unknown {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

/** Asserts a user error: exit 1, nothing on stdout, one line on stderr naming `what`. */
function expectUserError(result: CliResult, what: RegExp): void {
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(what);
}

/** A local port that nothing listens on: a server.json naming it is a server that has gone. */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  return port;
}

/** NDJSON lines of `events export`, parsed. */
const exportedMessages = (result: CliResult): Message[] =>
  result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Message);

describe('the built tessera bin', () => {
  it('runs by itself, through its shebang (the launcher settings and node flag), as npx and a PATH install run it', async () => {
    assertCliBuilt();
    // A fresh clone's build must leave it executable: tsc writes files without the execute bit.
    const { stdout } = await promisify(execFile)(cliPath, ['--help'], { encoding: 'utf8' });
    expect(stdout).toMatch(/^Usage: tessera/);
  });
});

describe('the tessera CLI without a server', () => {
  let dir: string;
  let dataDir: string;
  const cli = (...args: string[]) => runCli(args, { dataDir });

  beforeEach(async () => {
    dir = await makeTempDir('tessera-cli-');
    dataDir = join(dir, 'data');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('prints a new write key on stdout and the notice on stderr', async () => {
    const result = await cli('keys', 'create', '--name', 'shop');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^tsk_w_[\w-]{16,}\n$/);
    expect(result.stderr).toMatch(/created write key "shop"/);
  });

  it('prints a read token for --kind read', async () => {
    const result = await cli('keys', 'create', '--name', 'dashboard', '--kind', 'read');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^tsk_r_[\w-]{16,}\n$/);
  });

  it('prints exactly one JSON document on stdout for every --json command', async () => {
    const file = join(dir, 'events.ndjson');
    await writeFile(file, toNdjson([track(), identify()]));

    const created = jsonOf(await cli('keys', 'create', '--name', 'shop', '--json')) as { key: string; kind: string; name: string };
    expect(created).toMatchObject({ kind: 'write', name: 'shop', key: expect.stringMatching(/^tsk_w_/) });

    const listed = await cli('keys', 'list', '--json');
    expect(jsonOf(listed)).toMatchObject({ keys: [{ name: 'shop', kind: 'write' }] });
    expect(listed.stdout).not.toContain(created.key);

    expect(jsonOf(await cli('import', file, '--json'))).toMatchObject({ imports: [{ rowsRead: 2, written: 2 }] });
    expect(jsonOf(await cli('events', 'list', '--json'))).toMatchObject({ events: [{ message: { type: 'track' } }, { message: { type: 'identify' } }] });
    expect(jsonOf(await cli('quarantine', 'list', '--json'))).toEqual({ rejected: [] });
  });

  it('lists the events of one user or one anonymous id, as the read API filters them', async () => {
    const file = join(dir, 'people.ndjson');
    await writeFile(file, toNdjson([track({ userId: 'u-9' }), track({ userId: 'u-8' }), page({ anonymousId: 'a-7' })]));
    expect((await cli('import', file)).exitCode).toBe(0);
    const users = async (args: string[]) => (jsonOf(await cli('events', 'list', ...args, '--json')) as { events: { message: { userId?: string; anonymousId?: string } }[] }).events.map((e) => e.message.userId ?? e.message.anonymousId);
    expect(await users(['--user-id', 'u-9'])).toEqual(['u-9']);
    expect(await users(['--anonymous-id', 'a-7'])).toEqual(['a-7']);
  });

  it('exits 1 with a one-line message on stderr and nothing on stdout for an unknown option', async () => {
    expectUserError(await cli('events', 'list', '--bogus'), /unknown option.*--bogus/);
  });

  it('exits 1 with a one-line message naming the file when an import file is missing', async () => {
    const missing = join(dir, 'nope.ndjson');
    expectUserError(await cli('import', missing), /not found.*nope\.ndjson/);
  });

  it('exits 1 with a one-line message for a bad option value or a missing required option', async () => {
    expectUserError(await cli('keys', 'create', '--name', 'x', '--kind', 'admin'), /admin/);
    expectUserError(await cli('keys', 'create'), /--name/);
  });

  it('exits 1 with a one-line message when --data names a file, or a path through one', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    expectUserError(await runCli(['events', 'list', '--data', file]), new RegExp(`data directory ${file} is a file, not a directory`));
    expectUserError(await runCli(['events', 'list', '--data', join(file, 'data')]), new RegExp(`data directory ${file}/data is inside a file`));
  });

  it('exits 1 for an events tail --interval that is not above 0, and for an events list --type that is no message type', async () => {
    expectUserError(await cli('events', 'tail', '--interval', '0'), /--interval.*0 is not a whole number above 0/);
    expectUserError(await cli('events', 'list', '--type', 'bogus'), /bogus.*identify, track, page, screen, group, alias/);
  });

  it.each(['quarantine', 'events', 'alerts'])('exits 1 for %s list --limit 0, as every list command does', async (command) => {
    expectUserError(await cli(command, 'list', '--limit', '0'), /--limit.*0 is not a whole number above 0/);
  });

  it.each(['quarantine', 'events', 'alerts'])('exits 1 for %s list --limit over 10,000, the most a list returns, instead of cutting it short', async (command) => {
    expectUserError(await cli(command, 'list', '--limit', '10001'), /--limit.*10001 is more than 10000, the most one list returns/);
  });

  it('refuses events tail -n over 10,000 the same way, and takes -n 0', async () => {
    expectUserError(await cli('events', 'tail', '-n', '10001', '--no-follow'), /--lines.*10001 is more than 10000/);
    expect(await cli('keys', 'create', '--name', 'shop')).toMatchObject({ exitCode: 0 });
    expect(jsonOf(await cli('events', 'tail', '-n', '0', '--no-follow', '--json'))).toEqual({ events: [] });
  });

  it('refuses to read a data directory where nothing was ever stored, and leaves it uncreated: a mistyped --data is not an empty shop', async () => {
    for (const args of [['events', 'list'], ['metrics', 'orders'], ['profile', 'email:ann@example.com'], ['keys', 'list'], ['segments', 'list'], ['quarantine', 'list']]) {
      expectUserError(await cli(...args), new RegExp(`no Tessera workspace in ${dataDir}: nothing was ever stored there\\. Check --data`));
    }
    expect(existsSync(dataDir)).toBe(false);
    // An empty directory made by hand holds nothing either.
    await mkdir(dataDir);
    expectUserError(await cli('events', 'list'), /no Tessera workspace in/);
    // A command that stores something starts the workspace; reads work from then on.
    expect(await cli('keys', 'create', '--name', 'shop')).toMatchObject({ exitCode: 0 });
    expect(await cli('events', 'list')).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('lists every invalid setting of the environment in one error, naming each variable, exit 1, nothing on stdout', async () => {
    const result = await runCli(['keys', 'list'], { dataDir, env: { TESSERA_PORT: 'not-a-port', TESSERA_BASE_CURRENCY: 'usd', TESSERA_TIMEZONE: 'Mars/Base' } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/server\.port \(TESSERA_PORT\): .*received string/);
    expect(result.stderr).not.toMatch(/NaN/);
    expect(result.stderr).toMatch(/workspace\.baseCurrency \(TESSERA_BASE_CURRENCY\): /);
    expect(result.stderr).toMatch(/workspace\.reportingTimezone \(TESSERA_TIMEZONE\): unknown time zone Mars\/Base/);
  });

  it('lists every invalid setting of the config file in one error, naming each path', async () => {
    const cwd = await makeTempDir();
    try {
      await writeFile(
        join(cwd, 'tessera.config.yaml'),
        'server:\n  trustProxy: [10.0.0.0/33, proxy.internal]\ningest:\n  recordIp: sometimes\nworkspace:\n  defaultRegion: XX\n  reportingTimezone: Mars/Base\n',
      );
      const result = await runCli(['keys', 'list'], { cwd, dataDir });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/server\.trustProxy\.0: an IP address, a range such as 10\.0\.0\.0\/8/);
      expect(result.stderr).toMatch(/server\.trustProxy\.1: /);
      expect(result.stderr).toMatch(/ingest\.recordIp: /);
      // A region libphonenumber has no numbering plan for, though it looks like one, and a zone Intl does not know.
      expect(result.stderr).toMatch(/workspace\.defaultRegion: XX is no region/);
      expect(result.stderr).toMatch(/workspace\.reportingTimezone: unknown time zone Mars\/Base/);
    } finally {
      await removeDir(cwd);
    }
  });

  it('prints the latest events with events tail --no-follow, as one JSON document with --json', async () => {
    const messages = [track(), identify(), page()];
    const file = join(dir, 'events.ndjson');
    await writeFile(file, toNdjson(messages));
    expect((await cli('import', file)).exitCode).toBe(0);
    const tail = jsonOf(await cli('events', 'tail', '--no-follow', '-n', '2', '--json')) as { events: { message: Message }[] };
    expect(tail.events.map((e) => e.message['messageId'])).toEqual(messages.slice(1).map((m) => m['messageId']));
  });

  it('prints no stored event with events tail -n 0 --no-follow', async () => {
    const file = join(dir, 'events.ndjson');
    await writeFile(file, toNdjson([track(), identify()]));
    expect((await cli('import', file)).exitCode).toBe(0);
    expect(jsonOf(await cli('events', 'tail', '--no-follow', '-n', '0', '--json'))).toEqual({ events: [] });
  });

  it('imports what events export wrote with the times it had: timestamp, originalTimestamp and receivedAt', async () => {
    // Received a year ago from a device whose clock ran an hour fast, as a Segment archive or an export holds it.
    const archived = track({
      originalTimestamp: '2024-03-05T11:00:00.000Z',
      sentAt: '2024-03-05T11:00:10.000Z',
      receivedAt: '2024-03-05T10:00:10.500Z',
      timestamp: '2024-03-05T10:00:00.500Z',
    });
    const file = join(dir, 'archive.ndjson');
    await writeFile(file, toNdjson([archived]));
    expect((await cli('import', file)).exitCode).toBe(0);
    const [first] = exportedMessages(await cli('events', 'export'));
    expect(first).toMatchObject({ timestamp: archived['timestamp'], originalTimestamp: archived['originalTimestamp'], receivedAt: archived['receivedAt'] });

    const exportFile = join(dir, 'export.ndjson');
    expect((await cli('events', 'export', '--out', exportFile)).exitCode).toBe(0);
    const again = await runCli(['import', exportFile], { dataDir: join(dir, 'other') });
    expect(again.exitCode, again.stderr).toBe(0);
    const [second] = exportedMessages(await runCli(['events', 'export'], { dataDir: join(dir, 'other') }));
    expect(second).toEqual(first);
  });

  it('exports one Segment message per line with messageId, type and timestamp, once per messageId', async () => {
    const messages = [track(), identify(), page(), track({ timestamp: '2024-01-05T10:00:00Z' })];
    const file = join(dir, 'events.ndjson');
    // A replayed line and a line that is not JSON: the first is stored once, the second quarantined.
    await writeFile(file, toNdjson([...messages, messages[0] as Message]) + '{"type": "track",\n');
    const imported = await cli('import', file);
    expect(imported.exitCode, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('');

    const exported = await cli('events', 'export');
    expect(exported.exitCode, exported.stderr).toBe(0);
    const lines = exportedMessages(exported);
    expect(lines.map((m) => m['messageId'])).toEqual(messages.map((m) => m['messageId']));
    for (const m of lines) {
      expect(m).toMatchObject({ messageId: expect.any(String), type: expect.any(String), timestamp: expect.any(String) });
      expect(Number.isNaN(Date.parse(m['timestamp'] as string))).toBe(false);
    }
    expect(lines[3]?.['timestamp']).toBe('2024-01-05T10:00:00.000Z');

    const quarantined = jsonOf(await cli('quarantine', 'list', '--json')) as { rejected: { code: string; location: string }[] };
    expect(quarantined.rejected).toMatchObject([{ code: 'invalid_json', location: 'events.ndjson:6' }]);
  });
});

describe('the tessera CLI while tessera serve holds the data directory', () => {
  let dir: string;
  let dataDir: string;
  let server: ServeProcess | undefined;
  const cli = (...args: string[]) => runCli(args, { dataDir });

  beforeEach(async () => {
    dir = await makeTempDir('tessera-cli-served-');
    dataDir = join(dir, 'data');
  });
  afterEach(async () => {
    await server?.crash();
    server = undefined;
    await removeDir(dir);
  });

  it('runs a command again when the server it was forwarded to stopped before taking it', async () => {
    expect((await cli('keys', 'create', '--name', 'shop')).exitCode).toBe(0);
    // A server that announced itself, no longer listens and still holds the directory, its process alive: as
    // while it stops. This process holds DuckDB's lock in its place, and lets it go a few seconds later.
    const holder = await openTestWorkspace(dataDir);
    await writeFile(serverFile(dataDir), JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${await closedPort()}`, token: 'gone' }));
    // Long enough for the command to start and find the announcement (a process start takes ~1-2 s here).
    const gone = new Promise((resolve) => setTimeout(resolve, 5000)).then(() => holder.close());
    const result = await cli('events', 'list', '--json');
    await gone;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ events: [] });
  });

  it('believes no server.json while nobody holds the directory: commands run here and a server starts, whatever live pid it names', async () => {
    // As after kill -9 of a server whose pid is in use again: a container's PID 1 restarted, or any reused pid.
    expect((await cli('keys', 'create', '--name', 'shop')).exitCode).toBe(0);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await writeFile(serverFile(dataDir), JSON.stringify({ pid: other.pid, url, token: 'stale' }));
      const listed = await cli('events', 'list', '--json');
      expect(listed.exitCode, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual({ events: [] });
      expect(existsSync(serverFile(dataDir))).toBe(false);
    } finally {
      other.kill();
    }

    await writeFile(serverFile(dataDir), JSON.stringify({ pid: process.pid, url, token: 'stale' }));
    server = await startServe(dataDir);
    expect(JSON.parse(await readFile(serverFile(dataDir), 'utf8'))).toMatchObject({ pid: server.child.pid, url: server.url });
    expect((await cli('keys', 'create', '--name', 'shop')).exitCode).toBe(0);
  });

  it('starts while a command holds the data directory for a moment (as each poll of events tail does), and refuses a second server at once', async () => {
    // This process holds DuckDB's lock as a command run on its own would; serve must wait it out, not exit.
    const holder = await openTestWorkspace(dataDir);
    const released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => holder.close());
    try {
      server = await startServe(dataDir);
    } finally {
      await released;
    }
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);

    const started = Date.now();
    const second = await runCli(['serve', '--port', '0'], { dataDir });
    expectUserError(second, new RegExp(`held by the server at ${server.url}`));
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('creates keys, imports, lists and exports through the server, and works on its own once the server stops', async () => {
    server = await startServe(dataDir);

    // keys create goes through the server: the new key works there at once.
    // A CLI that opened the data directory itself would fail on DuckDB's lock, which the server holds.
    const created = await cli('keys', 'create', '--name', 'shop');
    expect(created.exitCode, created.stderr).toBe(0);
    const writeKey = created.stdout.trim();
    expect(writeKey).toMatch(/^tsk_w_/);
    const readKey = (await cli('keys', 'create', '--name', 'api', '--kind', 'read')).stdout.trim();
    expect(readKey).toMatch(/^tsk_r_/);

    const sent = track();
    const response = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      body: JSON.stringify(sent),
      headers: { 'content-type': 'application/json', authorization: basicAuth(writeKey) },
    });
    expect(response.status).toBe(200);

    // import goes through the server: the server's read API sees the imported messages.
    const file = join(dir, 'events.ndjson');
    const imported = [identify(), page()];
    await writeFile(file, toNdjson(imported));
    const importResult = await cli('import', file, '--json');
    expect(jsonOf(importResult)).toMatchObject({ imports: [{ rowsRead: 2, written: 2 }] });
    const ids = [sent, ...imported].map((m) => m['messageId'] as string);
    await waitForMessageIds(httpEventReader(server.url, readKey), ids);

    const listed = jsonOf(await cli('events', 'list', '--json')) as { events: { message: Message }[] };
    expect(listed.events.map((e) => e.message['messageId']).sort()).toEqual([...ids].sort());

    const exported = await cli('events', 'export');
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(exportedMessages(exported).map((m) => m['messageId']).sort()).toEqual([...ids].sort());

    // User errors stay user errors through the server.
    expectUserError(await cli('events', 'list', '--bogus'), /unknown option/);
    expectUserError(await cli('import', join(dir, 'missing.ndjson')), /not found/);

    await server.stop();
    expect((await server.exited).exitCode).toBe(0);
    server = undefined;

    // Without a server the CLI opens the data directory itself and sees the same events.
    const alone = jsonOf(await cli('events', 'list', '--json')) as { events: { message: Message }[] };
    expect(alone.events.map((e) => e.message['messageId']).sort()).toEqual([...ids].sort());
    const keys = jsonOf(await cli('keys', 'list', '--json')) as { keys: { name: string }[] };
    expect(keys.keys.map((k) => k.name).sort()).toEqual(['api', 'shop']);
  });
});
