import { renderSql, sql, type Sql, type Store, type StoreTx } from '../../src/store/index.js';

/**
 * Times every statement a store runs (BENCH_PROFILE=1 of bench/import.ts): where an import spends
 * its time, phase by phase, without touching the code under measurement.
 */
export interface StatementProfile {
  /** Milliseconds and calls per statement, keyed by the statement's first words. */
  report(): { statement: string; ms: number; calls: number }[];
}

const label = (fragment: Sql, store: Store): string =>
  renderSql(fragment, store.dialect)
    .text.replace(/\s+/g, ' ')
    .replace(/"imp_[0-9a-f]+_/g, '"imp_')
    .slice(0, 90);

export function profileStatements(store: Store): StatementProfile {
  const totals = new Map<string, { ms: number; calls: number }>();
  const timed = <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    return run().finally(() => {
      const entry = totals.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - t;
      entry.calls++;
      totals.set(key, entry);
    });
  };
  // BENCH_EXPLAIN=text: statements starting with it run under EXPLAIN ANALYZE and print their plan (their counts are then wrong).
  const explain = process.env['BENCH_EXPLAIN'];
  const runExplained = async (f: Sql, run: (f: Sql) => Promise<number>, query: (f: Sql) => Promise<{ explain_value: string }[]>): Promise<number> => {
    if (!explain || !label(f, store).startsWith(explain)) return run(f);
    const rows = await query(sql`EXPLAIN ANALYZE ${f}`);
    for (const r of rows) console.log(r.explain_value);
    // EXPLAIN ANALYZE runs the statement, so the tables it creates exist for the statements after it.
    return 0;
  };
  const runTx = (tx: StoreTx, f: Sql): Promise<number> => runExplained(f, (x) => tx.run(x), (x) => tx.query(x));
  const wrapTx = (tx: StoreTx): StoreTx => ({
    query: (f) => timed(label(f, store), () => tx.query(f)),
    run: (f) => timed(label(f, store), () => runTx(tx, f)),
    uint32Columns: (f) => timed(label(f, store), () => tx.uint32Columns(f)),
    appendRows: (t, rows) => timed(`append ${t}`, () => tx.appendRows(t, rows)),
  });
  const s = store as { -readonly [K in keyof Store]: Store[K] };
  const run = store.run.bind(store);
  const query = store.query.bind(store);
  const transaction = store.transaction.bind(store);
  // The writer's connection (a transaction), not a reader's: temp tables belong to the connection that made them.
  s.run = (f) => timed(label(f, store), () => runExplained(f, run, (x) => transaction((tx) => tx.query<{ explain_value: string }>(x))));
  s.query = ((f: Sql) => timed(label(f, store), () => query(f))) as Store['query'];
  s.transaction = ((fn: (tx: StoreTx) => Promise<unknown>) => transaction((tx) => fn(wrapTx(tx)))) as Store['transaction'];
  return {
    report: () =>
      [...totals.entries()]
        .map(([statement, v]) => ({ statement, ms: Math.round(v.ms), calls: v.calls }))
        .sort((a, b) => b.ms - a.ms),
  };
}
