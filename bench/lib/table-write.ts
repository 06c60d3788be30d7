import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { cpuSecondsSince } from './harness.js';

/**
 * DuckDB writing a table of a store alone: its rows read (read-only) from `databaseFile` and held in memory first,
 * then inserted into an empty table of the same definition in a fresh `scratchFile`, committed and checkpointed. What
 * any writer of those rows pays for the write itself: the floor the benchmarks set their figures against.
 */
export async function timeTableWrite(databaseFile: string, table: string, scratchFile: string): Promise<{ ms: number; cpuSeconds: number; rows: number }> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '2GB' });
  const c = await db.connect();
  try {
    await c.run(`ATTACH '${databaseFile}' AS source (READ_ONLY)`);
    const ddl = String((await c.runAndReadAll(`SELECT sql FROM duckdb_tables() WHERE database_name = 'source' AND table_name = '${table}'`)).getRows()[0]?.[0]);
    await c.run(`CREATE TABLE held AS SELECT * FROM source.${table}`);
    const rows = Number((await c.runAndReadAll('SELECT count(*) FROM held')).getRows()[0]?.[0]);
    await c.run('DETACH source');
    await c.run(`ATTACH '${scratchFile}' AS floor`);
    await c.run('USE floor');
    await c.run(ddl);
    const t = performance.now();
    const cpu = process.cpuUsage();
    await c.run(`INSERT INTO floor.${table} SELECT * FROM memory.held`);
    await c.run('CHECKPOINT floor');
    return { ms: performance.now() - t, cpuSeconds: cpuSecondsSince(cpu), rows };
  } finally {
    c.closeSync();
    db.closeSync();
    rmSync(scratchFile, { force: true });
    rmSync(`${scratchFile}.wal`, { force: true });
  }
}
