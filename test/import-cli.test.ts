// `tessera import` and `tessera rates import` as a user runs them (the built CLI in dist/): one JSON
// document with --json, the summary on stderr, a live progress line only on a terminal, exit 1 with
// one line for what the user must fix.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertCliBuilt, cliPath, expectUserError, runCli, type CliResult } from './helpers/cli.js';
import { fixture } from './helpers/imports.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

function jsonOf(result: CliResult): unknown {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}


/** Runs the CLI with stdin/stdout/stderr on a pseudo-terminal (util-linux `script`); returns what the terminal showed. */
function runOnTerminal(args: readonly string[], cwd: string): Promise<{ output: string; exitCode: number | null }> {
  assertCliBuilt();
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ output, exitCode }));
  });
}

describe('tessera import', () => {
  let dir: string;
  let dataDir: string;
  const cli = (...args: string[]) => runCli(args, { dataDir });

  beforeEach(async () => {
    dir = await makeTempDir('tessera-import-cli-');
    dataDir = join(dir, 'data');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('prints one JSON document with --json and, off a terminal, nothing else', async () => {
    const result = await cli('import', fixture('orders.csv'), fixture('orders-dst.csv'), '--format', 'orders', '--timezone', 'America/New_York', '--json');
    expect(result.stderr).not.toContain('\r');
    const doc = jsonOf(result) as { imports: { file: string; rowsRead: number }[] };
    expect(doc.imports.map((s) => [s.file, s.rowsRead])).toEqual([
      [fixture('orders.csv'), 4],
      [fixture('orders-dst.csv'), 7],
    ]);
  });

  it('ends with a summary of what became of every row, and no progress line off a terminal', async () => {
    const result = await cli('import', fixture('orders-malformed.csv'), '--format', 'orders');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^\S+orders-malformed\.csv: 8 rows read \(5 orders\): 2 imported, 6 quarantined \(1 invalid_date, 1 invalid_encoding, 1 invalid_value, 1 rejected_by_mapping, 2 wrong_column_count\), 0 skipped; 2 events written, 0 duplicates skipped in \d+\.\ds\n$/,
    );
  });

  it('says how the rows of an orders file add up, and apart from them how its messages do', async () => {
    // 5 rows of 4 orders make 7 messages; the EUR order has no rate: its Order Completed waits in quarantine.
    const result = await cli('import', fixture('shopify-orders.csv'), '--format', 'shopify-orders');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^\S+shopify-orders\.csv: 5 rows read \(4 orders\): 5 imported, 0 quarantined, 0 skipped; 6 events written, 0 duplicates skipped, 1 quarantined waiting for a rate \(no_rate\) in \d+\.\ds\n$/,
    );
    const again = await cli('import', fixture('shopify-orders.csv'), '--format', 'shopify-orders');
    expect(again.stderr).toMatch(/: 5 rows read \(4 orders\): 5 imported, 0 quarantined, 0 skipped; 0 events written, 6 duplicates skipped, 1 quarantined waiting for a rate \(no_rate\) in /);
  });

  it('shows a progress line with rows/s on a terminal, redrawn in place', async () => {
    const { output, exitCode } = await runOnTerminal(['import', fixture('orders.csv'), '--format', 'orders', '--data', dataDir], dir);
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/\r\x1b\[Korders\.csv: 4 \/ 4 rows · [\d,]+ rows\/s · ETA 0s/);
    expect(output).toMatch(/orders\.csv: 4 rows read \(3 orders\): 4 imported, 0 quarantined, 0 skipped; 5 events written/);
  });

  it('quarantines orders without a rate and imports them when rates import brings the rate', async () => {
    const first = jsonOf(await cli('import', fixture('orders-rates.csv'), '--format', 'orders', '--json')) as { imports: { quarantined: Record<string, number> }[] };
    expect(first.imports[0]?.quarantined).toEqual({ no_rate: 1 });
    expect(jsonOf(await cli('quarantine', 'list', '--json'))).toMatchObject({ rejected: [{ code: 'no_rate', location: 'orders-rates.csv:2' }] });

    const rates = jsonOf(await cli('rates', 'import', fixture('rates.csv'), '--json'));
    expect(rates).toMatchObject({ rows: 1, currencies: ['EUR'], retried: { retried: 1, stillQuarantined: 0 } });
    expect(jsonOf(await cli('quarantine', 'list', '--json'))).toEqual({ rejected: [] });
    const events = jsonOf(await cli('events', 'list', '--json')) as { events: { message: { properties: { order_id: string } } }[] };
    expect(events.events.map((e) => e.message.properties.order_id).sort()).toEqual(['R1', 'R2']);
  });

  it('says how many stored orders a corrected rate converted again', async () => {
    const revenue = async () => (jsonOf(await cli('metrics', 'revenue', '--grain', 'month', '--from', '2024-06-01', '--to', '2024-07-01', '--json')) as { series: { value: number }[] }).series[0]?.value;
    expect(jsonOf(await cli('rates', 'import', fixture('rates.csv'), '--json'))).toMatchObject({ rows: 1, corrected: 0, reconverted: 0 });
    jsonOf(await cli('import', fixture('orders-rates.csv'), '--format', 'orders', '--json'));
    expect(await revenue()).toBe(158); // R1 100 EUR × 1.08 + R2 50 USD

    const corrected = join(dir, 'corrected.csv');
    await writeFile(corrected, 'date,currency,rate_to_base\n2024-06-01,EUR,1.10\n');
    const result = await cli('rates', 'import', corrected);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^1 rates replaced a different one; 1 stored orders were converted again at them$/m);
    expect(await revenue()).toBe(160);
  });

  it('exits 1 with one line naming the rates file and what is wrong with it', async () => {
    const noHeader = join(dir, 'no-header.csv');
    await writeFile(noHeader, '2024-06-01,EUR,1.08\n');
    expectUserError(await cli('rates', 'import', noHeader), /^error: \S+no-header\.csv:1: the header is "2024-06-01,EUR,1\.08"; expected the column names date,currency,rate_to_base/);
    const extra = join(dir, 'extra.csv');
    await writeFile(extra, 'date,currency,rate_to_base\n2024-06-01,EUR,1.08,x\n');
    expectUserError(await cli('rates', 'import', extra), /^error: \S+extra\.csv:2: 4 fields where the header has 3/);
    expect(jsonOf(await cli('rates', 'import', fixture('rates.csv'), '--json'))).toMatchObject({ rows: 1 });
  });

  it('exits 1 with one line naming the mapping key that is wrong', async () => {
    const mapping = join(dir, 'bad.yaml');
    await writeFile(mapping, 'file: { delimiter: ";" }\nkind: orders\nidentity: { email: Subscriber }\ntime: Time\norder: { order_id: Invoice }\n');
    expectUserError(await cli('import', fixture('email-events.csv'), '--format', 'csv', '--mapping', mapping), /^error: bad\.yaml on email-events\.csv: order\.order_id: the file has no column "Invoice"/);
    expectUserError(await cli('import', fixture('email-events.csv'), '--format', 'csv'), /--format csv needs --mapping FILE/);
    expectUserError(await cli('import', fixture('orders.csv'), '--format', 'orders', '--timezone', 'Mars/Olympus'), /--timezone Mars\/Olympus is not an IANA time zone/);
  });
  it('checks every file before importing any: a bad file in a batch imports nothing', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'order_id,email,currency,total,status\n9001,a@example.com,USD,10,completed\n');
    expectUserError(
      await cli('import', fixture('orders.csv'), bad, '--format', 'orders', '--json'),
      /^error: the orders format on bad\.csv: time: the file has no column "created_at" \(columns: order_id, email, currency, total, status\)$/,
    );
    expect(jsonOf(await cli('events', 'list', '--json'))).toEqual({ events: [] });
  });

  it('reads a CSV in the encoding --encoding names, and refuses it for NDJSON, which is UTF-8', async () => {
    const people = join(dir, 'people.csv');
    await writeFile(people, Buffer.from('customer_id,email,city\nC1,ann@example.com,K\xf6ln \x80\n', 'latin1'));
    const result = await cli('import', people, '--format', 'customers', '--encoding', 'windows-1252');
    expect(result.exitCode, result.stderr).toBe(0);
    const [event] = (jsonOf(await cli('events', 'list', '--json')) as { events: { message: { traits: unknown } }[] }).events;
    expect(event?.message.traits).toMatchObject({ address: { city: 'Köln €' } });
    expectUserError(await cli('import', fixture('events-local-time.ndjson'), '--encoding', 'windows-1252'), /^error: --encoding is for CSV files: NDJSON is UTF-8$/);
  });

  it('refuses a CSV or Parquet file imported without --format before anything is made, and quarantines its lines when told segment', async () => {
    expectUserError(
      await cli('import', fixture('orders.csv')),
      /^error: orders\.csv:1 is not a JSON object \("order_id,email,[^"]*"\), and none of its first 5 non-blank lines is: it is not NDJSON of Segment messages, which import reads without --format\. Name its format: --format orders, customers or shopify-orders, or --format csv with --mapping FILE$/,
    );
    const parquet = join(dir, 'vendor.parquet');
    await writeFile(parquet, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64)]));
    expectUserError(await cli('import', parquet), /^error: vendor\.parquet is a Parquet file, not NDJSON of Segment messages \(what import reads without --format\): import it with --format parquet --mapping FILE$/);
    // Nothing was made: no workspace for a command that imported nothing.
    expect(existsSync(dataDir)).toBe(false);

    // A file of messages whose first line is broken is one: the line goes to quarantine, the rest in.
    const messages = join(dir, 'messages.ndjson');
    await writeFile(messages, `\nnot json\n${JSON.stringify({ type: 'track', event: 'Product Viewed', userId: 'u1', messageId: 'm1', timestamp: '2025-01-02T10:00:00Z' })}\n`);
    expect(jsonOf(await cli('import', messages, '--json'))).toMatchObject({ imports: [{ rowsRead: 2, written: 1, quarantined: { invalid_json: 1 } }] });
    // Named, the format is taken at its word.
    expect(jsonOf(await cli('import', fixture('orders.csv'), '--format', 'segment', '--json'))).toMatchObject({ imports: [{ rowsRead: 5, written: 0, quarantined: { invalid_json: 5 } }] });
  });

  it('exits 1 naming the columns a customers file needs when it has none that identifies a customer', async () => {
    const names = join(dir, 'names.csv');
    await writeFile(names, 'First Name,Last Name\nAnn,Lee\n');
    expectUserError(
      await cli('import', names, '--format', 'customers'),
      /^error: the customers format on names\.csv: the file needs a customer_id, email, phone or user_id column .*\(columns: First Name, Last Name\)$/,
    );
  });
});
