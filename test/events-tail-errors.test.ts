// `events tail` runs `events list` for each poll: a poll's error must reach the user as that command
// would print it, whole and once.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

describe('events tail given what it cannot use', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('tessera-tail-errors-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('says once that nothing is stored at --data, exit 1', async () => {
    const result = await runCli(['events', 'tail', '--no-follow'], { dataDir: join(dir, 'missing') });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: no Tessera workspace in /);
    expect(result.stderr).not.toMatch(/error: error:/);
  });

  it('lists every invalid setting of the config, as every other command does', async () => {
    await writeFile(join(dir, 'tessera.config.yaml'), 'workspace:\n  baseCurrency: usd\nbogus: 1\n');
    const result = await runCli(['events', 'tail', '--no-follow'], { cwd: dir, dataDir: join(dir, 'data') });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: invalid configuration (${join(dir, 'tessera.config.yaml')}):`,
      expect.stringMatching(/^ {2}tessera\.config\.yaml:2: workspace\.baseCurrency: /),
      '  tessera.config.yaml:3: bogus: unknown setting (a typo?)',
    ]);
  });
});
