import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launcherEnv, launcherEnvAssignments, launcherNodeArgs } from './launcher-env.js';

const root = new URL('../../', import.meta.url);

describe('the launcher environment', () => {
  it('is what the tessera shebang sets', () => {
    const shebang = readFileSync(new URL('src/cli/main.ts', root), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S ${launcherEnvAssignments} node ${launcherNodeArgs.join(' ')}`);
  });

  it('is set by every npm script that starts Tessera or a benchmark', () => {
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const starting = Object.entries(scripts).filter(([name]) => name === 'demo' || name.startsWith('bench'));
    expect(starting.length).toBeGreaterThan(5);
    for (const [name, command] of starting) {
      expect(command, name).toContain(launcherEnvAssignments);
      // node or tsx (which hands node's flags on), with the launcher's flags before the script.
      expect(command, name).toMatch(new RegExp(`(node|tsx) ${launcherNodeArgs.join(' ')} (dist|bench)/`));
    }
  });

  it('has values that env -S passes whole (no spaces)', () => {
    for (const [name, value] of Object.entries(launcherEnv)) expect(value, name).toMatch(/^\S+$/);
  });
});
