// `tessera serve` on an address it cannot listen on: the user's to change, so exit 1 naming it, and the
// data directory let go cleanly.

import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverFile } from '../src/server/index.js';
import { runCli } from './helpers/cli.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

describe('tessera serve on a port another program holds', () => {
  let dir: string;
  let dataDir: string;
  let other: Server;
  beforeEach(async () => {
    dir = await makeTempDir('tessera-serve-port-');
    dataDir = join(dir, 'data');
    other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise((resolve) => other.close(resolve));
    await removeDir(dir);
  });

  it('is a user error naming the address and what to change, and leaves the data directory free', async () => {
    const { port } = other.address() as AddressInfo;
    const result = await runCli(['serve', '--port', String(port)], { dataDir });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `error: cannot listen on 127.0.0.1:${port}: the port is in use (another server?); give another --port (or TESSERA_PORT, server.port, server.host)`,
    );
    expect(existsSync(serverFile(dataDir))).toBe(false);
    // Nobody holds the directory: the next command runs at once on its own.
    const listed = await runCli(['keys', 'list', '--json'], { dataDir, timeoutMs: 10_000 });
    expect(listed.exitCode, listed.stderr).toBe(0);
  });
});
