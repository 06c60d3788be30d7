// `tessera identity explain|split|unsplit` and `tessera profile` as a user runs them, with merge
// rules from the `identity:` section of tessera.config.yaml.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli.js';
import { parseCsvLine } from './helpers/csv.js';
import { identify, page, toNdjson } from './helpers/messages.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, dataDir: join(dir, 'data') });
const at = (minute: number): string => new Date(Date.UTC(2025, 4, 1, 9, minute)).toISOString();

function jsonOf<T>(result: CliResult): T {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

interface ProfileJson {
  customer_id: string;
  identifiers: { type: string; value: string }[];
}
const keysOf = (p: ProfileJson): string[] => p.identifiers.map((i) => `${i.type}:${i.value}`).sort();

beforeAll(async () => {
  dir = await makeTempDir('tessera-identity-cli-');
  await writeFile(join(dir, 'tessera.config.yaml'), 'identity:\n  limits:\n    email: 2\n  blocked:\n    values: [test@test.com]\n');
  const messages = [
    page({ messageId: 'm1', anonymousId: 'a1', timestamp: at(0) }),
    identify({ messageId: 'm2', anonymousId: 'a1', userId: 'u-1', traits: { email: 'one@example.com' }, timestamp: at(1) }),
    identify({ messageId: 'm3', anonymousId: 'a1', userId: 'u-1', traits: { email: 'two@example.com' }, timestamp: at(2) }),
    identify({ messageId: 'm4', anonymousId: 'a1', userId: 'u-1', traits: { email: 'three@example.com' }, timestamp: at(3) }),
    identify({ messageId: 'm5', anonymousId: 'b1', userId: 'u-2', traits: { email: 'test@test.com' }, timestamp: at(4) }),
    identify({ messageId: 'm6', anonymousId: 'b2', userId: 'u-3', traits: { email: 'test@test.com', phone: '(212) 555-0100' }, timestamp: at(5) }),
  ];
  await writeFile(join(dir, 'events.ndjson'), toNdjson(messages));
  const imported = await cli('import', 'events.ndjson', '--format', 'segment');
  expect(imported.exitCode, imported.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  if (dir) await removeDir(dir);
});

describe('tessera identity', () => {
  it('explains a refused merge with the rule from the config file, in JSON and in text', async () => {
    const explanation = jsonOf<{ refusals: { rule: string; messageId: string; identifiers: string[] }[]; merges: unknown[] }>(await cli('identity', 'explain', 'user:u-1', '--json'));
    expect(explanation.refusals).toEqual([expect.objectContaining({ rule: 'limit:email', messageId: 'm4', identifiers: ['user:u-1', 'email:three@example.com'] })]);
    const text = await cli('identity', 'explain', 'email:one@example.com');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/refused\n.*email:three@example\.com ✗ user:u-1 {2}\(limit:email, message m4\)/);
    const blocked = jsonOf<{ status: string; customerId: string | null; blocked: unknown }>(await cli('identity', 'explain', 'email:test@test.com', '--json'));
    expect(blocked.status).toBe('blocked');
    expect(blocked.blocked).toMatchObject({ identifier: 'email:test@test.com', by: 'value', entry: 'test@test.com', setting: 'identity.blocked.values' });
  });

  it('names the blocked value of a refused link and the entry of identity.blocked that matched it, in JSON and in text', async () => {
    const explanation = jsonOf<{ refusals: { rule: string; identifiers: string[]; blocked?: unknown }[] }>(await cli('identity', 'explain', 'user:u-2', '--json'));
    expect(explanation.refusals).toEqual([
      expect.objectContaining({
        rule: 'blocked-value',
        identifiers: ['user:u-2', 'email:test@test.com'],
        blocked: { identifier: 'email:test@test.com', value: 'test@test.com', by: 'value', entry: 'test@test.com', setting: 'identity.blocked.values', reason: 'blocked by the value "test@test.com" in identity.blocked.values' },
      }),
    ]);
    const text = await cli('identity', 'explain', 'user:u-2');
    expect(text.stdout).toMatch(/email:test@test\.com ✗ user:u-2 {2}\(blocked-value, message m5\)\n {6}email:test@test\.com: blocked by the value "test@test\.com" in identity\.blocked\.values\n/);
    const alone = await cli('identity', 'explain', 'email:test@test.com');
    expect(alone.stdout).toMatch(/^email:test@test\.com: blocked, customer \(none\)\n {2}blocked by the value "test@test\.com" in identity\.blocked\.values\n/);
  });

  it('splits a wrong merge and undoes the split, the profile following each step', async () => {
    const before = keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')));
    expect(before).toEqual(['anon:a1', 'email:one@example.com', 'email:two@example.com', 'user:u-1']);
    expect((await cli('identity', 'split', 'email:two@example.com', '--from', 'user:u-1', '--json')).exitCode).toBe(0);
    expect(keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')))).toEqual(['anon:a1', 'email:one@example.com', 'email:three@example.com', 'user:u-1']);
    expect((await cli('identity', 'unsplit', 'email:two@example.com', '--from', 'user:u-1', '--json')).exitCode).toBe(0);
    expect(keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')))).toEqual(before);
  });

  it('undoes every split of an identifier when unsplit names no other end, and says when there is nothing to undo', async () => {
    const before = keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')));
    const split = await cli('identity', 'split', 'email:Two@Example.com', '--from', 'user:u-1');
    expect(split.exitCode).toBe(0);
    expect(split.stderr).not.toMatch(/were not one customer/);
    expect(keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')))).not.toContain('email:two@example.com');
    const undone = await cli('identity', 'unsplit', 'email:two@example.com');
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')))).toEqual(before);
    // Lifted for good: a rebuild reads no split back.
    expect((await cli('identity', 'rebuild')).exitCode).toBe(0);
    expect(keysOf(jsonOf<ProfileJson>(await cli('profile', 'user:u-1', '--json')))).toEqual(before);
    const again = await cli('identity', 'unsplit', 'email:two@example.com');
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/no split names email:two@example\.com: there is nothing to undo/);
    // Eight commands, each a process that opens the workspace: ~55 s alone on a 2-core machine, more beside other tests.
  }, 150_000);

  it('says when a split names two identifiers that were never one customer: it only forbids their link', async () => {
    const split = await cli('identity', 'split', 'user:u-2', '--from', 'user:u-3');
    expect(split.exitCode, split.stderr).toBe(0);
    expect(split.stderr).toMatch(/user:u-2 and user:u-3 were not one customer: nothing was split, but they may never merge from now on/);
    expect((await cli('identity', 'unsplit', 'user:u-2', '--from', 'user:u-3')).exitCode).toBe(0);
  }, 60_000);

  it('finds a customer by a phone written as people write it, read in the workspace region as imports read it', async () => {
    for (const typed of ['phone:(212) 555-0100', 'phone:212-555-0100', 'phone:+1 212 555 0100']) {
      const found = await cli('profile', typed, '--json');
      expect(found.exitCode, `${typed}: ${found.stderr}`).toBe(0);
      expect(keysOf(jsonOf<ProfileJson>(found)), typed).toContain('user:u-3');
    }
    const explained = jsonOf<{ customerId: string | null }>(await cli('identity', 'explain', 'phone:(212) 555-0100', '--json'));
    expect(explained.customerId).toBe(jsonOf<ProfileJson & { customer_id: string }>(await cli('profile', 'user:u-3', '--json')).customer_id);
  });

  it('says how to write an identifier that has no type, and which types exist for one nobody has', async () => {
    const bare = await cli('profile', 'one@example.com');
    expect(bare.exitCode).toBe(1);
    expect(bare.stderr).toMatch(/no customer one@example\.com: give a customer id, or an identifier written type:value/);
    const unknown = await cli('profile', 'mail:one@example.com');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/no identifier of type mail is known: the types are anon, email, phone, user/);
  });

  it('exports every profile, one JSON line a customer, placeholders linking nobody', async () => {
    const result = await cli('profiles', 'export', '--format', 'ndjson');
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { customer_id: string; identifiers: { type: string; value: string }[]; traits: object; computed: object });
    // u-1 (with a1 and two emails), three@example.com refused by the limit, u-2 with b1, u-3 with b2.
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(Object.keys(line)).toEqual(['customer_id', 'identifiers', 'traits', 'computed']);
    expect(lines.flatMap((l) => l.identifiers).filter((i) => i.value === 'test@test.com')).toEqual([]);
    // An address the graph refused (blocked, or over the limit of 2 emails) is nobody's trait either.
    const emailOf = (user: string) => (lines.find((l) => l.identifiers.some((i) => i.value === user))?.traits as { email?: string }).email;
    expect([emailOf('u-1'), emailOf('u-2'), emailOf('u-3')]).toEqual(['two@example.com', undefined, undefined]);
    expect((jsonOf<{ traits: { email?: string } }>(await cli('profile', 'user:u-1', '--json'))).traits.email).toBe('two@example.com');
  });

  it('exports a CSV table with a column for each identity trait and each computed one', async () => {
    const result = await cli('profiles', 'export', '--format', 'csv');
    expect(result.exitCode, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n').map(parseCsvLine);
    expect(header?.slice(0, 10)).toEqual(['customer_id', 'identifiers', 'name', 'first_name', 'last_name', 'email', 'phone', 'gender', 'birthday', 'address']);
    expect(header).toEqual(expect.arrayContaining(['orders', 'revenue', 'sessions']));
    expect(rows).toHaveLength(4);
    const u3 = rows.find((r) => r[1]?.split(' ').includes('user:u-3'));
    expect(u3?.[header!.indexOf('phone')]).toBe('+12125550100');
    for (const row of rows) expect(row).toHaveLength(header!.length);
  });

  it('refuses invalid merge rules at start-up, naming the setting', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'identity:\n  limits:\n    email: 0\n  blocked:\n    patterns: ["("]\n');
    const result = await runCli(['identity', 'explain', 'user:u-1', '--config', 'bad.yaml'], { cwd: dir, dataDir: join(dir, 'data') });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/identity\.limits\.email/);
    expect(result.stderr).toMatch(/identity\.blocked\.patterns\.0: a valid regular expression/);
  });
});
