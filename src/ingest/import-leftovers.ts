import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Store } from '../store/index.js';

const stagingName = /^import-.+\.ndjson$/;

/** A new staging file of an NDJSON import in `tmpDir`: private to the import, removed when it ends. */
export function stagingFilePath(tmpDir: string): string {
  return join(tmpDir, `import-${randomUUID()}.ndjson`);
}

export interface ClearedImports {
  /** Staging files removed. */
  files: number;
  /** Imports that never finished, now marked as stopped. */
  imports: number;
}

/**
 * Clears what imports killed halfway left behind: their staging files (as large as the lines they had read, which
 * nothing would ever read or remove) and their `imports` rows, which would read as running forever. It must run
 * when a process opens the data directory, before it starts any import: the process holds DuckDB's lock then, so no
 * other process can be importing into it, and none of its own has begun. A row is marked finished with an error in
 * its summary, as a failed import is (no column says more, and none is worth a migration): what it wrote stays,
 * and importing the file again adds the rest, its stored lines skipped as duplicates.
 */
export async function clearAbandonedImports(store: Store, tmpDir: string): Promise<ClearedImports> {
  let names: string[] = [];
  try {
    names = readdirSync(tmpDir).filter((name) => stagingName.test(name));
  } catch {
    // No temporary directory: nothing was staged.
  }
  for (const name of names) rmSync(join(tmpDir, name), { force: true });
  const summary = JSON.stringify({ error: 'stopped before it finished (its process ended): import the file again to add the rest' });
  const imports = await store.run(sql`UPDATE imports SET finished_at = ${new Date()}, summary = CAST(${summary} AS JSON) WHERE finished_at IS NULL`);
  return { files: names.length, imports };
}
