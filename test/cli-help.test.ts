// `--help` says what a command does, in product.md's words.

import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('tessera --help', () => {
  it('says that serve runs the scheduler too, as product.md has it', async () => {
    const result = await runCli(['serve', '--help']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ingestion API \+ read API \+ dashboard \+ scheduler/);
    expect(result.stdout).toMatch(/--port <port>/);
  });
});
