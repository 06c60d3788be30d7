// The dialect's JSON readers on the real engine: several paths read from one parse (jsonTexts, listItem)
// must give, path for path, what jsonText gives, since the KPI facts now read messages that way.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, openDuckDbStore, raw, sql, type Store } from '../src/store/index.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await makeTempDir('tessera-dialect-');
  store = await openDuckDbStore({ dataDir: dir, memoryLimit: '256MB', threads: 1 });
  await store.run(sql`CREATE TABLE docs (id INTEGER, doc JSON)`);
  const docs = [
    { context: { library: { name: 'analytics.js' }, page: { referrer: 'https://www.google.com/' } }, properties: { score: 9, 'odd "key"': 'x' } },
    { properties: { referrer: '  ', score: '7.5', nested: { a: [1, 2] } }, traits: { country: 'fr' } },
    { context: { library: { name: 'Zoë — 例え' } } },
    {},
  ];
  for (const [i, doc] of docs.entries()) await store.run(sql`INSERT INTO docs VALUES (${i}, ${JSON.stringify(doc)}::JSON)`);
});

afterAll(async () => {
  await store.close();
  await removeDir(dir);
});

const paths = [
  ['context', 'library', 'name'],
  ['context', 'page', 'referrer'],
  ['properties', 'referrer'],
  ['properties', 'score'],
  ['properties', 'nested'],
  ['properties', 'odd "key"'],
  ['traits', 'country'],
  ['no', 'such', 'path'],
];

describe('reading several JSON paths at once', () => {
  it('gives for each path exactly what reading that path alone gives', async () => {
    const d = store.dialect;
    const one = paths.map((p, k) => sql`${d.jsonText(raw('doc'), p)} AS ${raw(`one_${k}`)}`);
    const many = paths.map((_, k) => sql`${d.listItem(raw('j'), k)} AS ${raw(`many_${k}`)}`);
    const rows = await store.query<Record<string, string | null>>(
      sql`SELECT id, ${join(one)}, ${join(many)} FROM (SELECT *, ${d.jsonTexts(raw('doc'), paths)} AS j FROM docs) ORDER BY id`,
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) for (let k = 0; k < paths.length; k++) expect(row[`many_${k}`], `doc ${row['id']}, path ${paths[k]!.join('.')}`).toBe(row[`one_${k}`]);
    expect(rows.map((r) => r['many_0'])).toEqual(['analytics.js', null, 'Zoë — 例え', null]);
    expect(rows[0]!['many_3']).toBe('9');
    expect(rows[0]!['many_5']).toBe('x');
    expect(rows[1]!['many_4']).toBe('{"a":[1,2]}');
  });

  it('answers NULL past the end of a list', async () => {
    const [row] = await store.query<{ v: string | null }>(sql`SELECT ${store.dialect.listItem(sql`['a', 'b']`, 2)} AS v`);
    expect(row!.v).toBeNull();
  });
});

describe('jsonObject', () => {
  it('gives each row as one JSON text that parses back to its values, a JSON column embedded as JSON', async () => {
    const d = store.dialect;
    const rows = await store.query<{ packed: string }>(
      sql`SELECT ${d.jsonObject({ id: raw('id'), doc: raw('doc'), label: sql`${'say "hi"\n'}`, none: raw('CAST(NULL AS VARCHAR)') })} AS packed FROM docs ORDER BY id`,
    );
    const docs = await store.query<{ doc: string }>(sql`SELECT CAST(doc AS VARCHAR) AS doc FROM docs ORDER BY id`);
    expect(rows.map((r) => JSON.parse(r.packed))).toEqual(docs.map((r, id) => ({ id, doc: JSON.parse(r.doc), label: 'say "hi"\n', none: null })));
    expect(rows.every((r) => !r.packed.includes('\n'))).toBe(true);
  });

  it('refuses a key that is not a plain name', () => {
    expect(() => store.dialect.jsonObject({ "it's": raw('1') })).toThrow(/JSON key/);
  });
});
