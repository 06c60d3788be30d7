// Folder boundaries are the architecture (docs/architecture.md); these rules keep them from drifting.
import tseslint from 'typescript-eslint';

const domains = ['ingest', 'identity', 'metrics', 'segments', 'predict', 'activation', 'loyalty', 'privacy', 'demo'];
const all = ['contract', 'store', 'models', ...domains, 'server', 'cli'];

/** Patterns forbidding imports of the named src/ folders from a file one folder deep. */
const forbid = (folders, message) =>
  folders.map((f) => ({ group: [`../${f}`, `../${f}/**`, `../../${f}`, `../../${f}/**`], message }));

/** A folder may be reached only through its index.ts. */
const onlyThroughIndex = (folders) =>
  folders.map((f) => ({
    group: [`../${f}/**`, `!../${f}/index.js`, `../../${f}/**`, `!../../${f}/index.js`],
    message: `import ${f} through its index.ts`,
  }));

const ioModules = ['node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:child_process', 'node:worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'coverage/**', '**/*.js', '!eslint.config.js', 'bench/**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: forbid(all.filter((f) => f !== 'contract'), 'contract imports nothing of ours') }] },
  },
  {
    files: ['src/models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'models are pure: no I/O' })),
          patterns: forbid(all.filter((f) => f !== 'contract' && f !== 'models'), 'models import only contract'),
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: forbid(all.filter((f) => f !== 'contract' && f !== 'store'), 'store imports only contract') }] },
  },
  ...domains.map((d) => ({
    files: [`src/${d}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid(['server', 'cli'], 'server and cli are entry points; nothing imports them'),
            ...onlyThroughIndex(['store', 'models', ...domains.filter((x) => x !== d)]),
          ],
        },
      ],
    },
  })),
  {
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...forbid(['cli'], 'server does not import cli'), ...onlyThroughIndex(['store', 'models', ...domains])] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-console': 'off', 'no-restricted-imports': ['error', { patterns: onlyThroughIndex(['store', 'models', ...domains]) }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The dashboard is browser code: it talks to the server only over /api/v1 and may import only types from contract.
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'web runs in the browser' })),
          patterns: [
            { group: ['**/src/**', '!**/src/contract', '!**/src/contract/**'], message: 'web talks to the server only over /api/v1' },
            { group: ['**/src/contract', '**/src/contract/**'], allowTypeImports: true, message: 'web may import only types from contract' },
          ],
        },
      ],
    },
  },
);
