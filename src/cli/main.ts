#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1 DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:10000,muzzy_decay_ms:10000 node --max-semi-space-size=64
// The launcher's environment (huge pages for glibc, a slower page decay for DuckDB's jemalloc) and node flag (a
// larger young generation) are explained in launcher-env.ts; both are read only at process start, hence the shebang.
import { once } from 'node:events';
import type { CliIo } from './context.js';
import { runCommand } from './dispatch.js';

const terminal: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  async write(text) {
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  },
  isTty: Boolean(process.stdout.isTTY),
  errIsTty: Boolean(process.stderr.isTTY),
};

// `tessera events export | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

runCommand(terminal, process.argv.slice(2), true).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
