import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const partName = /^customer-map-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\d+\.csv$/;

/** The stem of one map write's part files in `dir` (`STEM-0.csv`, `STEM-1.csv`, …): private to that write. */
export function mapPartStem(dir: string): string {
  return join(dir, `customer-map-${randomUUID()}`);
}

/**
 * Removes the part files of map writes whose process was killed: each part holds up to a million rows of the
 * map (tens of MB at a million customers), and nothing else would ever read or remove them, since every write
 * names its parts anew. Only for a directory private to the data directory, by a process that holds it (the
 * store's lock): no other write can be under way there then. Returns how many were removed.
 */
export function clearAbandonedMapParts(dir: string): number {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => partName.test(name));
  } catch {
    // No temporary directory yet: no write ever left a part there.
  }
  for (const name of names) rmSync(join(dir, name), { force: true });
  return names.length;
}
