// A small generated demo shop imported through the CLI, the way a user loads one.

import { join } from 'node:path';
import { generateShop, writeShop } from '../../src/demo/index.js';
import { runCli, type CliResult } from './cli.js';

function ok(result: CliResult, what: string): string {
  if (result.exitCode !== 0) throw new Error(`${what} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

/** Writes a seeded shop of `customers` people into `dir/files` and imports it into `dir/data`; returns the data dir and a read and a write key. */
export async function importDemoShop(dir: string, customers = 300): Promise<{ dataDir: string; readKey: string; writeKey: string }> {
  const files = join(dir, 'files');
  const dataDir = join(dir, 'data');
  await writeShop(generateShop({ customers, seed: 8 }), files);
  const cli = (...args: string[]) => runCli(args, { dataDir, timeoutMs: 120_000 });
  ok(await cli('rates', 'import', join(files, 'rates.csv')), 'rates import');
  ok(await cli('import', join(files, 'events.ndjson')), 'import events');
  ok(await cli('import', join(files, 'orders.csv'), '--format', 'orders', '--timezone', 'America/New_York'), 'import orders');
  ok(await cli('import', join(files, 'customers.csv'), '--format', 'customers', '--timezone', 'America/New_York'), 'import customers');
  const readKey = ok(await cli('keys', 'create', '--name', 'dashboard', '--kind', 'read'), 'keys create').trim();
  const writeKey = ok(await cli('keys', 'create', '--name', 'site'), 'keys create').trim();
  return { dataDir, readKey, writeKey };
}
