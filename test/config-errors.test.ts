// `tessera.config.yaml`, the environment and flags, read once: every invalid setting in one error, named
// where the user can change it (the file's line, or the variable), and the precedence flags > env > file.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../src/contract/index.js';
import { loadConfig } from '../src/cli/load-config.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

/** The message of the error loadConfig throws. */
function configError(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('invalid_config');
    return (err as TesseraError).message;
  }
  throw new Error('the config was accepted');
}

describe('loading the configuration', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await makeTempDir('tessera-config-');
  });
  afterEach(async () => {
    await removeDir(cwd);
  });

  it('names the line of every invalid setting of the file, unknown keys (typos) too, in file order, and the variable of the environment\'s', async () => {
    await writeFile(
      join(cwd, 'tessera.config.yaml'),
      ['server:', '  port: 99999', '  hots: 0.0.0.0', 'workspace:', '  baseCurrency: usd', 'metrcs: {}', 'duckdb:', '  threads: 0', ''].join('\n'),
    );
    const message = configError(() => loadConfig({ cwd, env: { TESSERA_TIMEZONE: 'Mars/Base' } }));
    expect(message.split('\n')).toEqual([
      `invalid configuration (${join(cwd, 'tessera.config.yaml')}):`,
      expect.stringMatching(/^ {2}tessera\.config\.yaml:2: server\.port: /),
      '  tessera.config.yaml:3: server.hots: unknown setting (a typo?)',
      expect.stringMatching(/^ {2}tessera\.config\.yaml:5: workspace\.baseCurrency: an ISO 4217 code/),
      '  tessera.config.yaml:6: metrcs: unknown setting (a typo?)',
      expect.stringMatching(/^ {2}tessera\.config\.yaml:8: duckdb\.threads: /),
      expect.stringMatching(/^ {2}workspace\.reportingTimezone \(TESSERA_TIMEZONE\): unknown time zone Mars\/Base/),
    ]);
  });

  it('blames the variable, not the file\'s line, for a setting the environment overrode', async () => {
    await writeFile(join(cwd, 'tessera.config.yaml'), 'server:\n  port: 8081\n');
    const message = configError(() => loadConfig({ cwd, env: { TESSERA_PORT: 'eighty' } }));
    expect(message).toMatch(/\n {2}server\.port \(TESSERA_PORT\): /);
    expect(message).not.toMatch(/yaml:2/);
  });

  it('takes flags over the environment over the file', async () => {
    await writeFile(join(cwd, 'tessera.config.yaml'), 'dataDir: from-file\nworkspace:\n  reportingTimezone: Europe/Paris\n  baseCurrency: EUR\n');
    const env = { TESSERA_DATA: 'from-env', TESSERA_TIMEZONE: 'Asia/Tokyo' };
    expect(loadConfig({ cwd, env })).toMatchObject({ dataDir: join(cwd, 'from-env'), workspace: { reportingTimezone: 'Asia/Tokyo', baseCurrency: 'EUR' } });
    expect(loadConfig({ cwd, env, dataDir: 'from-flag' }).dataDir).toBe(join(cwd, 'from-flag'));
  });
});
