// npm run bench — every benchmark, one after another (each needs the machine to itself), each in
// its own process; their figures go to bench/results/ and their write-ups to bench/README.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launcherNodeArgs } from '../src/cli/launcher-env.js';
import { root } from './lib/harness.js';

const benches = ['ingest', 'import', 'write-growth', 'identity', 'identity-store', 'metrics', 'segments', 'models', 'dashboard'];
const only = process.argv.slice(2);
const failed: string[] = [];
for (const name of only.length > 0 ? only : benches) {
  console.log(`\n=== bench:${name} ===`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), ...launcherNodeArgs, join(root, 'bench', `${name}.ts`)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.log(`\nbenchmarks that failed or missed their targets: ${failed.join(', ')}`);
  process.exitCode = 1;
}
