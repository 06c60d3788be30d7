import { ident, join, raw, sql, type Sql } from '../store/index.js';
import { isoUtc, jsonObject, jsonString, normalizedEmail, type JsonEntry } from './import-sql.js';
import { createLines, linePosition, lineRejections, type ChunkRange, type LineCheck, type LineField, type LinesSpec, type StagedContext } from './import-lines.js';
import { utcTimestamp } from './staging.js';
import { anonymousId, contextJson, externalIdsJson } from './import-orders.js';
import type { ImportTables } from './import-source.js';
import { customerIdType, type Mapping } from './mapping.js';
import type { ColumnScope } from './mapping-sql.js';

/**
 * One message per row: `events` mappings make a `track` call of each row (email and survey tool
 * exports), `identify` mappings an `identify` call with the row's traits (CRM exports). Without a
 * mapped message id, the id is the source and a hash of the row's mapped cells, so a re-import of
 * the same rows adds nothing while a changed row (new traits) is a new message.
 */

export interface RowsPlan {
  spec: LinesSpec;
  prepare(range: ChunkRange): Sql[];
  phones(): Sql;
  staged(range: ChunkRange): Sql;
  counts(range: ChunkRange): Sql;
}

export interface RowsOptions {
  scope: ColumnScope;
  mapping: Mapping;
  spec: Omit<LinesSpec, 'fields' | 'checks' | 'scope' | 'mapping'>;
  zone: string;
  tables: ImportTables;
  ctx: StagedContext;
}

/** Trait keys with a dot nest one level (`address.city` → `{ address: { city } }`), as Segment's address trait does. */
function traitEntries(mapping: Mapping, cols: (i: number) => Sql): JsonEntry[] {
  const top: JsonEntry[] = [];
  const nested = new Map<string, JsonEntry[]>();
  Object.keys(mapping.traits).forEach((key, i) => {
    const dot = key.indexOf('.');
    if (dot > 0 && dot < key.length - 1) {
      const parent = key.slice(0, dot);
      const list = nested.get(parent) ?? [];
      list.push({ key: key.slice(dot + 1), userKey: true, value: cols(i) });
      nested.set(parent, list);
    } else top.push({ key, userKey: true, value: cols(i) });
  });
  for (const [parent, entries] of nested) top.push({ key: parent, userKey: true, value: sql`nullif(${jsonObject(entries)}, '{}')` });
  return top;
}

export function compileRows(o: RowsOptions): RowsPlan {
  const { scope, mapping, zone, tables, ctx } = o;
  const id = mapping.identity;
  const identify = mapping.kind === 'identify';
  const time = scope.time(mapping.time, 'time', zone);
  const props = Object.entries(mapping.event?.properties ?? {});
  const traits = Object.entries(mapping.traits);
  const fields: LineField[] = [
    { name: '_em', expr: normalizedEmail(scope.text(id.email, 'identity.email')) },
    { name: '_cid', expr: scope.text(id.customer_id, 'identity.customer_id') },
    { name: '_phr', expr: scope.text(id.phone, 'identity.phone') },
    { name: '_uid', expr: scope.text(id.user_id, 'identity.user_id') },
    { name: '_tt', expr: time.text },
    { name: '_t', expr: time.instant },
    { name: '_ev', expr: identify ? raw('CAST(NULL AS VARCHAR)') : scope.text(mapping.event?.name, 'event.name') },
    { name: '_mid', expr: scope.text(mapping.event?.message_id, 'event.message_id') },
    ...props.map(([, spec], i) => ({ name: `_p${i}`, expr: scope.json(spec, `event.properties.${i}`) })),
    ...traits.map(([, spec], i) => ({ name: `_tr${i}`, expr: scope.json(spec, `traits.${i}`) })),
  ];
  // The hash covers every mapped cell; built last so that it sees every column the fields read.
  const cells = [...scope.used].map((c) => sql`coalesce(CAST(${ident('r')}.${ident(c)} AS VARCHAR), chr(0))`);
  fields.push({ name: '_h', expr: cells.length > 0 ? sql`md5(concat_ws(chr(31), ${join(cells)}))` : raw(`md5('')`) });

  const timeCol = scope.fieldName(mapping.time, 'time');
  const checks: LineCheck[] = [
    ...(identify ? [] : [{ when: raw('_ev IS NULL'), code: 'missing_field', reason: sql`${scope.fieldName(mapping.event?.name, 'event')} || ' is empty'`, field: scope.fieldName(mapping.event?.name, 'event') }]),
    { when: raw('_tt IS NOT NULL AND _t IS NULL'), code: 'invalid_date', reason: time.invalid(raw('_tt')), field: timeCol },
    ...(identify || !mapping.time ? [] : [{ when: raw('_tt IS NULL'), code: 'missing_field', reason: sql`${timeCol} || ' is empty'`, field: timeCol }]),
    ...(id.guests === 'anonymous' ? [] : [{ when: raw('_cid IS NULL AND _em IS NULL AND _phr IS NULL AND _uid IS NULL'), code: 'missing_field', reason: sql`'the row has no customer id, email, phone or user id'`, field: null }]),
  ];
  const spec: LinesSpec = { ...o.spec, scope, mapping, fields, checks };
  const L = ident(tables.lines);

  const messageJson = (): Sql => {
    const common: JsonEntry[] = [
      { key: 'type', value: identify ? raw(`'"identify"'`) : raw(`'"track"'`) },
      ...(identify ? [] : [{ key: 'event', value: jsonString(raw('_ev')) }]),
      { key: 'messageId', value: jsonString(raw('_id')) },
      { key: 'anonymousId', value: jsonString(raw('_a')) },
      { key: 'userId', value: jsonString(raw('_uid')) },
      { key: 'timestamp', value: jsonString(raw('_ts')) },
      { key: 'receivedAt', value: jsonString(sql`${ctx.receivedAt}`) },
    ];
    if (identify) {
      const traitJson = jsonObject([
        { key: 'email', value: jsonString(raw('_em')) },
        { key: 'phone', value: jsonString(raw('coalesce(_ph, _phr)')) },
        ...traitEntries(mapping, (i) => raw(`_tr${i}`)),
        ...(mapping.time ? [{ key: 'created_at', value: jsonString(raw('CASE WHEN _t IS NOT NULL THEN _ts END')) }] : []),
      ]);
      return jsonObject([...common, { key: 'traits', value: traitJson }, { key: 'context', value: contextJson(customerIdType(mapping), ctx) }]);
    }
    const properties = jsonObject(props.map(([key], i) => ({ key, userKey: true, value: raw(`_p${i}`) })));
    return jsonObject([...common, { key: 'properties', value: properties }, { key: 'context', value: contextJson(customerIdType(mapping), ctx) }]);
  };

  const staged = (range: ChunkRange): Sql => {
    const who = sql`coalesce(_cid, _em, _ph, _phr, _uid)`;
    const messages = sql`SELECT ${ctx.source} AS s, _id AS id, ${identify ? 'identify' : 'track'} AS t, _ev AS e, _uid AS u, _a AS a, ${utcTimestamp(raw('_ti'))} AS ts,
        ${new Date(ctx.receivedAt)} AS r, CAST(${messageJson()} AS JSON) AS m, NULL::JSON AS q, NULL::VARCHAR AS o, NULL::VARCHAR AS c,
        NULL::DECIMAL(18,4) AS v, _em AS em, _ph AS ph, 'import' AS ch, ${externalIdsJson(customerIdType(mapping))} AS x, NULL::VARCHAR AS l, ${linePosition(range, raw('_line'), 1)} AS n
      FROM (SELECT *, ${isoUtc(raw('_ti'))} AS _ts,
          coalesce(_mid, ${ctx.source} || ':' || ${identify ? sql`coalesce(${who}, 'guest') || ':' || _h` : raw('_h')}) AS _id
        FROM (SELECT l.*, p.e164 AS _ph, ${anonymousId(ctx.source, raw('l._h'), id.guests === 'anonymous')} AS _a,
            coalesce(l._t, CAST(${ctx.receivedAt} AS TIMESTAMPTZ)) AS _ti
          FROM ${L} l LEFT JOIN ${ident(tables.phones)} p ON p.raw = l._phr
          WHERE l._skip IS NULL AND l._err IS NULL))`;
    return sql`(${messages} UNION ALL ${lineRejections(tables, spec, ctx, range)})`;
  };

  const counts = (range: ChunkRange): Sql =>
    sql`SELECT 'skip' AS kind, _skip AS key, count(*) AS n FROM ${L} WHERE _skip IS NOT NULL AND _rn < ${range.to} GROUP BY _skip
      UNION ALL SELECT 'error', _err.code, count(*) FROM ${L} WHERE _skip IS NULL AND _err IS NOT NULL GROUP BY _err.code
      UNION ALL SELECT 'imported', 'rows', count(*) FROM ${L} WHERE _skip IS NULL AND _err IS NULL
      UNION ALL SELECT 'event', ${identify ? raw(`'identify'`) : raw('_ev')}, count(*) FROM ${L} WHERE _skip IS NULL AND _err IS NULL GROUP BY ALL`;

  return {
    spec,
    prepare: (range) => [createLines(tables, spec, range)],
    phones: () => sql`SELECT DISTINCT _phr AS raw FROM ${L} WHERE _phr IS NOT NULL AND _err IS NULL AND _skip IS NULL`,
    staged,
    counts,
  };
}
