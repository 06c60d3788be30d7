// A server's stop must not wait on a CLI that stopped reading a forwarded export (a pager left open, a pipe
// into a stalled process): the export awaits its reader, so the connection would never end.

import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerCliBridge } from '../src/server/routes/cli-bridge.js';

describe('the CLI bridge when the server stops', () => {
  it('cuts an export whose CLI does not read, so the stop ends instead of waiting for the reader', async () => {
    const app = Fastify();
    let blocked = false;
    let failure: unknown;
    registerCliBridge(app, {
      localToken: 't',
      async runCommand(_command, output) {
        try {
          for (;;) {
            const written = output.write('x'.repeat(256 * 1024));
            blocked = true;
            await written;
            blocked = false;
          }
        } catch (err) {
          failure = err;
          return 2;
        }
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    // A CLI that sends its command and then reads nothing of the answer.
    const sent = request({ host: '127.0.0.1', port, path: '/internal/v1/cli', method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t' } }, (res) => res.pause());
    sent.on('error', () => undefined);
    sent.end(JSON.stringify({ argv: ['events', 'export'], cwd: '/' }));
    await expect.poll(() => blocked, { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(blocked).toBe(true);

    const stopped = await Promise.race([app.close().then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))]);
    sent.destroy();
    expect(stopped).toBe('stopped');
    await expect.poll(() => failure, { timeout: 5_000 }).toBeDefined();
  }, 20_000);
});
