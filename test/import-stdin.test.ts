// `-` names standard input to most command-line tools; `tessera import` reads files only and must say so.

import { describe, it } from 'vitest';
import { expectUserError, runCli } from './helpers/cli.js';

describe('tessera import -', () => {
  it('is a user error saying that import reads files, not standard input', async () => {
    expectUserError(await runCli(['import', '-', '--data', 'never-created']), /^error: import reads files, not standard input \(-\): save the data to a file/);
  });
});
