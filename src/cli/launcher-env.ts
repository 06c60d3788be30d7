/**
 * The environment the `tessera` launcher starts node with (its node flags are launcherNodeArgs below).
 * Both settings are read by a C library when the process starts, so JavaScript cannot set them: the
 * shebang of `main.ts` carries them (a test checks it says the same as this), and so do `npm run demo`,
 * the benchmarks and the tests' spawner.
 *
 * Both exist because a first touch of a fresh 4 KB page costs ~14 µs on a small VM (bench/README.md):
 * - glibc: transparent huge pages for large allocations; a full identity rebuild writes about 1 GB of
 *   fresh typed arrays, and faulting them in 4 KB pages cost a third of the rebuild.
 * - DuckDB's bundled jemalloc: keep freed pages 10 s instead of DuckDB's 1 s before giving them back,
 *   so each log load reuses the last one's memory instead of faulting fresh pages (the loader's CPU per
 *   message fell by about a third).
 */
export const launcherEnv: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
  DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:10000,muzzy_decay_ms:10000',
};

/**
 * Node's own flags for the same launch. V8 sizes its young generation when the process starts, so this too
 * must be on the command line (v8.setFlagsFromString at run time measured no effect). A 64 MB semi-space
 * instead of Node 20's 16 MB: reading millions of events, a chunk's strings and objects then die young
 * instead of being copied into the old generation and traced there. A start at 1M people (identity read
 * and resolved) took 20.1 s instead of 26.1 s, and 29 s of CPU instead of 39 (two paired runs each); the
 * cost is up to 144 MB more of young generation at the peak.
 */
export const launcherNodeArgs: readonly string[] = ['--max-semi-space-size=64'];

/** `NAME=value …` as a shell or `env -S` reads it. */
export const launcherEnvAssignments = Object.entries(launcherEnv)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
