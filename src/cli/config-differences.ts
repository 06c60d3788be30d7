import { isDeepStrictEqual } from 'node:util';
import type { TesseraConfig } from '../contract/index.js';

/**
 * Settings that do not change what a forwarded command does: where the data is (the same directory, or the
 * command would not have been forwarded), how the server listens, and how much the CLI process would log.
 */
const ignored = new Set(['dataDir', 'server', 'logLevel']);

/** The setting paths (`workspace.reportingTimezone`) whose values differ between two configurations, in key order. */
export function configDifferences(mine: unknown, theirs: TesseraConfig): string[] {
  if (typeof mine !== 'object' || mine === null) return [];
  const differences: string[] = [];
  const compare = (a: unknown, b: unknown, path: string[]) => {
    const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    // Down to a section's own settings; below them (a rule, a list) the setting is named as a whole.
    if (path.length < 2 && isRecord(a) && isRecord(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (path.length === 0 && ignored.has(key)) continue;
        compare(a[key], b[key], [...path, key]);
      }
    } else if (!isDeepStrictEqual(a, b)) differences.push(path.join('.'));
  };
  compare(mine, theirs, []);
  return differences;
}

/** The note a forwarded command prints when the server's settings are not those the CLI would have used. */
export function configDifferenceNote(differences: readonly string[]): string {
  return (
    `note: the server that holds this data directory ran the command with its own configuration, ` +
    `which differs from yours (--config, tessera.config.yaml here, TESSERA_*) in ${differences.join(', ')}; ` +
    'stop the server, or start it with your settings, for them to apply\n'
  );
}
