import { ident, join, raw, sql, type Sql } from '../store/index.js';
import { isoUtc, jsonNumber, jsonObject, jsonString, normalizedEmail, type JsonEntry } from './import-sql.js';
import { createLines, linePosition, lineRejections, rawCells, rejectionRow, type ChunkRange, type LineCheck, type LineField, type LinesSpec, type StagedContext } from './import-lines.js';
import { utcTimestamp } from './staging.js';
import { MAX_AMOUNT } from './standardize.js';
import type { ImportTables } from './import-source.js';
import { customerIdType, type Mapping } from './mapping.js';
import type { ColumnScope } from './mapping-sql.js';

/**
 * Orders: the rows of one order (one per line item, grouped by the order's id) become one
 * `Order Completed` with `products[]`, plus an `Order Refunded` or `Order Cancelled` when the
 * order was refunded or cancelled; rows that are themselves a refund of an earlier order (a credit
 * note) become an `Order Refunded` only. Message ids are the source, the order id and the event
 * (`orders:1001:completed`), so importing a file again adds nothing.
 *
 * Order-level fields are taken from the first line that has them (Shopify writes them on the
 * first line only). A line with an error is quarantined with its reason, and so are the other lines of
 * its order: an order imported without one of its lines could not be completed later (the corrected
 * file's order would be a duplicate). An order that lacks what every order needs (a time, an
 * identifier, a currency, an amount) is quarantined line by line, each line with its own location.
 */

export interface OrdersPlan {
  spec: LinesSpec;
  /** Group key over the loaded rows (alias r), for anchoring orders to chunks. */
  anchorKey: Sql;
  /** Statements that build the chunk's lines and orders tables. */
  prepare(range: ChunkRange, anchored: boolean): Sql[];
  /** Distinct raw phones of the chunk (normalized in JavaScript, then joined). */
  phones(): Sql;
  /** The chunk's staged rows: messages and rejections. */
  staged(range: ChunkRange): Sql;
  /** Outcome counts of the chunk: `kind` is skip, error, imported or a message's event name. */
  counts(range: ChunkRange): Sql;
}

type Kind = 'completed' | 'refunded' | 'cancelled';

/** When each event applies to an order: used for the messages and for their counts alike. */
const kindApplies: Record<Kind, string> = {
  completed: 'NOT _refund_row',
  refunded: '(_refund_row OR _refunded OR _partial)',
  cancelled: '(_cancelled AND NOT _refund_row)',
};
const eventName: Record<Kind, string> = { completed: 'Order Completed', refunded: 'Order Refunded', cancelled: 'Order Cancelled' };
/** Position of each message among those of its order's first line (see linePosition). */
const kindSlot: Record<Kind, 1 | 2 | 3> = { completed: 1, refunded: 2, cancelled: 3 };

export interface OrdersOptions {
  scope: ColumnScope;
  mapping: Mapping;
  spec: Omit<LinesSpec, 'fields' | 'checks' | 'scope' | 'mapping'>;
  zone: string;
  tables: ImportTables;
  ctx: StagedContext;
}

const falseSql = raw('false');

/** How an `incomplete_order` reason starts: it names the rejected line, which import-line-numbers.ts reads back to give the file's line. */
export const incompleteOrderLine = '^line ([0-9]+)';
const maxAmount = String(MAX_AMOUNT);

export function compileOrders(o: OrdersOptions): OrdersPlan {
  const { scope, mapping, zone, tables, ctx } = o;
  const order = mapping.order;
  if (!order) throw new Error('compileOrders: mapping without an order section');
  const id = mapping.identity;
  const item = order.line_item;
  const time = scope.time(mapping.time, 'time', zone);
  const refundedAt = scope.time(order.refunded_at, 'order.refunded_at', zone);
  const cancelledAt = scope.time(order.cancelled_at, 'order.cancelled_at', zone);
  const groupKey = order.group_by ? scope.text({ column: order.group_by, optional: false }, 'order.group_by') : scope.text(order.order_id, 'order.order_id');
  const props = Object.entries(order.properties);

  const fields: LineField[] = [
    { name: '_k', expr: groupKey },
    { name: '_oid', expr: scope.text(order.order_id, 'order.order_id') },
    { name: '_em', expr: normalizedEmail(scope.text(id.email, 'identity.email')) },
    { name: '_cid', expr: scope.text(id.customer_id, 'identity.customer_id') },
    { name: '_phr', expr: scope.text(id.phone, 'identity.phone') },
    { name: '_uid', expr: scope.text(id.user_id, 'identity.user_id') },
    { name: '_tt', expr: time.text },
    { name: '_t', expr: time.instant },
    { name: '_cur', expr: sql`upper(${scope.text(order.currency, 'order.currency')})` },
    { name: '_tot_t', expr: scope.text(order.total, 'order.total') },
    { name: '_tot', expr: scope.number(order.total, 'order.total') },
    { name: '_refunded', expr: order.refunded_when ? scope.condition(order.refunded_when, 'order.refunded_when') : falseSql },
    { name: '_partial', expr: order.partially_refunded_when ? scope.condition(order.partially_refunded_when, 'order.partially_refunded_when') : falseSql },
    { name: '_cancelled', expr: order.cancelled_when ? scope.condition(order.cancelled_when, 'order.cancelled_when') : falseSql },
    { name: '_refund_row', expr: order.refund_rows_when ? scope.condition(order.refund_rows_when, 'order.refund_rows_when') : falseSql },
    { name: '_rft_t', expr: refundedAt.text },
    { name: '_rft', expr: refundedAt.instant },
    { name: '_cnt_t', expr: cancelledAt.text },
    { name: '_cnt', expr: cancelledAt.instant },
    { name: '_rtot_t', expr: scope.text(order.refund_total, 'order.refund_total') },
    { name: '_rtot', expr: scope.number(order.refund_total, 'order.refund_total') },
    ...props.map(([, spec], i) => ({ name: `_p${i}`, expr: scope.json(spec, `order.properties.${i}`) })),
    { name: '_pid', expr: scope.text(item.product_id, 'order.line_item.product_id') },
    { name: '_sku', expr: scope.text(item.sku, 'order.line_item.sku') },
    { name: '_name', expr: scope.text(item.name, 'order.line_item.name') },
    { name: '_cat', expr: scope.text(item.category, 'order.line_item.category') },
    { name: '_qty_t', expr: scope.text(item.quantity, 'order.line_item.quantity') },
    { name: '_qty', expr: scope.number(item.quantity, 'order.line_item.quantity') },
    { name: '_pr_t', expr: scope.text(item.price, 'order.line_item.price') },
    { name: '_pr', expr: scope.number(item.price, 'order.line_item.price') },
  ];

  const col = (spec: Parameters<ColumnScope['fieldName']>[0], fallback: string) => scope.fieldName(spec, fallback);
  const notDate = (name: string, text: string, t: typeof refundedAt): LineCheck => ({
    when: raw(`${text}_t IS NOT NULL AND ${text} IS NULL`),
    code: 'invalid_date',
    reason: t.invalid(raw(`${text}_t`)),
    field: name,
  });
  const notNumber = (name: string, text: string): LineCheck => ({
    when: raw(`${text}_t IS NOT NULL AND ${text} IS NULL`),
    code: 'invalid_value',
    reason: sql`${name} || ' is not a number: ' || ${raw(`${text}_t`)}`,
    field: name,
  });
  // Amounts are stored as DECIMAL(18,4): a larger one (a card number pasted into Total) is this row's error, not the whole file's.
  const outOfRange = (name: string, text: string): LineCheck => ({
    when: raw(`abs(${text}) >= ${maxAmount}`),
    code: 'invalid_value',
    reason: sql`${name} || ' is out of range: ' || ${raw(`${text}_t`)}`,
    field: name,
  });
  const timeCol = col(mapping.time, 'time');
  const checks: LineCheck[] = [
    { when: raw('_k IS NULL'), code: 'missing_field', reason: sql`${col(order.group_by ? { column: order.group_by, optional: false } : order.order_id, 'order_id')} || ' is empty'`, field: col(order.group_by ? { column: order.group_by, optional: false } : order.order_id, 'order_id') },
    { when: raw('_tt IS NOT NULL AND _t IS NULL'), code: 'invalid_date', reason: time.invalid(raw('_tt')), field: timeCol },
    notDate(col(order.refunded_at, 'refunded_at'), '_rft', refundedAt),
    notDate(col(order.cancelled_at, 'cancelled_at'), '_cnt', cancelledAt),
    { when: raw(`_cur IS NOT NULL AND NOT regexp_full_match(_cur, '[A-Z]{3}')`), code: 'invalid_value', reason: sql`${col(order.currency, 'currency')} || ' is not an ISO 4217 code: ' || _cur`, field: col(order.currency, 'currency') },
    notNumber(col(order.total, 'total'), '_tot'),
    outOfRange(col(order.total, 'total'), '_tot'),
    { when: raw('_tot < 0 AND NOT _refund_row'), code: 'invalid_value', reason: sql`${col(order.total, 'total')} || ' is negative: ' || _tot_t`, field: col(order.total, 'total') },
    notNumber(col(order.refund_total, 'refund_total'), '_rtot'),
    outOfRange(col(order.refund_total, 'refund_total'), '_rtot'),
    notNumber(col(item.quantity, 'quantity'), '_qty'),
    { when: raw('_qty < 0 AND NOT _refund_row'), code: 'invalid_value', reason: sql`${col(item.quantity, 'quantity')} || ' is negative: ' || _qty_t`, field: col(item.quantity, 'quantity') },
    notNumber(col(item.price, 'price'), '_pr'),
    { when: raw('_pr < 0'), code: 'invalid_value', reason: sql`${col(item.price, 'price')} || ' is negative: ' || _pr_t`, field: col(item.price, 'price') },
  ];
  const spec: LinesSpec = { ...o.spec, scope, mapping, fields, checks };

  const L = ident(tables.lines);
  const O = ident(tables.orders);
  const P = ident(tables.phones);
  const itemJson = jsonObject([
    ...(item.product_id ? [{ key: 'product_id', value: jsonString(raw('_pid')) }] : []),
    ...(item.sku ? [{ key: 'sku', value: jsonString(raw('_sku')) }] : []),
    ...(item.name ? [{ key: 'name', value: jsonString(raw('_name')) }] : []),
    ...(item.category ? [{ key: 'category', value: jsonString(raw('_cat')) }] : []),
    ...(item.price ? [{ key: 'price', value: jsonNumber(raw('_pr')) }] : []),
    ...(item.quantity ? [{ key: 'quantity', value: jsonNumber(raw('CASE WHEN _refund_row THEN abs(_qty) ELSE _qty END')) }] : []),
  ]);
  const hasItems = Object.keys(item).length > 0;
  const identityMissing = sql`_cid IS NULL AND _em IS NULL AND _phr IS NULL AND _uid IS NULL`;
  const guestsAllowed = id.guests === 'anonymous';
  const missing = (what: string, field: string | null) => sql`{'code': 'missing_field', 'reason': ${what}, 'field': ${field ?? raw('CAST(NULL AS VARCHAR)')}}`;

  // Lines keep file order through a sorted list: an ordered aggregate (string_agg … ORDER BY) sorts per group and costs three times as much.
  const prepare = (range: ChunkRange, anchored: boolean): Sql[] => {
    const inChunk = anchored ? sql`AND _k IN (SELECT _k FROM ${ident(tables.anchors)} WHERE _first >= ${range.from} AND _first < ${range.to})` : raw('');
    const orderErr = sql`CASE
      WHEN _bad_line IS NOT NULL THEN {'code': 'incomplete_order', 'reason': 'line ' || _bad_line || ' of the order was rejected: correct it and import the file again', 'field': CAST(NULL AS VARCHAR)}
      WHEN _t IS NULL THEN ${missing(`the order has no ${timeCol}`, timeCol)}
      WHEN ${guestsAllowed ? falseSql : identityMissing} THEN ${missing('the order has no customer id, email, phone or user id', null)}
      WHEN _cur IS NULL THEN ${missing(`the order has no ${col(order.currency, 'currency')}`, col(order.currency, 'currency'))}
      WHEN coalesce(_tot, _sum) IS NULL THEN ${missing(`the order has no ${col(order.total, 'total')} and no line prices`, col(order.total, 'total'))}
      WHEN abs(coalesce(_tot, _sum)) >= ${raw(maxAmount)} THEN {'code': 'invalid_value', 'reason': ${`the order's total (the sum of its lines) is out of range`}, 'field': ${col(order.total, 'total')}}
    END`;
    return [
      createLines(tables, spec, range),
      sql`CREATE OR REPLACE TEMP TABLE ${O} AS SELECT *, ${orderErr} AS _oerr FROM (
        SELECT _k, min(_rn) AS _first, count(*) AS _n, min(_line) AS _line, coalesce(min(_oid), _k) AS _oid,
          min(_em) AS _em, min(_cid) AS _cid, min(_phr) AS _phr, min(_uid) AS _uid, min(_t) AS _t, min(_cur) AS _cur,
          min(_tot) AS _tot, sum(_qty * _pr) AS _sum, bool_or(_refunded) AS _refunded, bool_or(_partial) AS _partial,
          bool_or(_cancelled) AS _cancelled, bool_or(_refund_row) AS _refund_row, min(_rft) AS _rft, min(_cnt) AS _cnt, min(_rtot) AS _rtot,
          ${join([...props.map((_, i) => raw(`min(_p${i}) AS _p${i}`)), hasItems ? sql`array_to_string(list_transform(list_sort(list({'r': _rn, 'j': ${itemJson}})), lambda x: x.j), ',') AS _items` : raw('NULL::VARCHAR AS _items')])}
        FROM ${L} WHERE _skip IS NULL AND _err IS NULL ${inChunk}
        GROUP BY _k) ok LEFT JOIN (SELECT _k, min(_line) AS _bad_line FROM ${L} WHERE _skip IS NULL AND _err IS NOT NULL ${inChunk} GROUP BY _k) bad USING (_k)`,
    ];
  };

  const message = (kind: Kind): Sql => {
    const amount = kind === 'refunded' ? raw('_amount') : raw('_total');
    const properties: JsonEntry[] = [
      { key: 'order_id', value: jsonString(raw('_oid')) },
      { key: 'total', value: jsonNumber(amount) },
      { key: 'currency', value: jsonString(raw('_cur')) },
      ...(kind === 'completed' ? props.map(([key], i) => ({ key, userKey: true, value: raw(`_p${i}`) })) : []),
      ...(hasItems && kind !== 'cancelled'
        ? [{ key: 'products', value: kind === 'completed' ? raw(`'[' || _items || ']'`) : raw(`CASE WHEN _refund_row THEN '[' || _items || ']' END`) }]
        : []),
    ];
    return messageJson(raw('_e'), properties);
  };
  const messageJson = (event: Sql, properties: JsonEntry[]): Sql =>
    jsonObject([
      { key: 'type', value: raw(`'"track"'`) },
      { key: 'event', value: jsonString(event) },
      { key: 'messageId', value: jsonString(raw('_id')) },
      { key: 'anonymousId', value: jsonString(raw('_a')) },
      { key: 'userId', value: jsonString(raw('_uid')) },
      { key: 'timestamp', value: jsonString(raw('_ts')) },
      { key: 'receivedAt', value: jsonString(sql`${ctx.receivedAt}`) },
      { key: 'properties', value: jsonObject(properties) },
      { key: 'context', value: contextJson(customerIdType(mapping), ctx) },
    ]);

  // An export's refunded amount is the order's refunds to date (Shopify's Refunded Amount grows as refunds are
  // made), so a later export of the same order adds only what is new since the refunds already stored for it,
  // from any source, as a message of its own (`:refunded:40`); an export that adds nothing is a duplicate.
  const refundedToDate = 'CASE WHEN o._refunded THEN coalesce(o._rtot, o._tot, o._sum) ELSE o._rtot END';
  const storedRefunds = sql`LEFT JOIN (SELECT order_id, sum(amount) AS stored FROM events
      WHERE event = 'Order Refunded' AND order_id IN (SELECT _oid FROM ${O}) GROUP BY order_id) rf ON rf.order_id = o._oid AND NOT o._refund_row`;
  const refundColumns = raw(`${refundedToDate} AS _refunded_to_date, rf.stored AS _stored,
              CASE WHEN o._refund_row THEN abs(coalesce(o._tot, o._sum)) ELSE ${refundedToDate} - coalesce(rf.stored, 0) END AS _amount`);
  const staged = (range: ChunkRange): Sql => {
    const kinds = (['completed', 'refunded', 'cancelled'] as const).filter((k) => k === 'completed' || (k === 'refunded' ? order.refunded_when || order.partially_refunded_when || order.refund_rows_when : order.cancelled_when));
    const events = kinds.map(
      (kind) => sql`SELECT ${ctx.source} AS s, _id AS id, 'track' AS t, _e AS e, _uid AS u, _a AS a, ${utcTimestamp(raw('_ti'))} AS ts, ${new Date(ctx.receivedAt)} AS r,
          CAST(${message(kind)} AS JSON) AS m, NULL::JSON AS q, _oid AS o, _cur AS c, CAST(${kind === 'refunded' ? raw('_amount') : raw('_total')} AS DECIMAL(18,4)) AS v, _em AS em, _ph AS ph,
          'import' AS ch, ${externalIdsJson(customerIdType(mapping))} AS x, NULL::VARCHAR AS l, ${linePosition(range, raw('_line'), kindSlot[kind])} AS n
        FROM (SELECT *, ${ctx.source} || ':' || _oid || ${`:${kind}`} || ${kind === 'refunded' ? raw(`CASE WHEN _stored IS NULL THEN '' ELSE ':' || CAST(_refunded_to_date AS VARCHAR) END`) : raw(`''`)} AS _id,
            ${eventName[kind]} AS _e, ${isoUtc(raw('_ti'))} AS _ts
          FROM (SELECT *, ${kind === 'completed' ? raw('_t') : kind === 'refunded' ? raw('coalesce(_rft, _t)') : raw('coalesce(_cnt, _t)')} AS _ti
          FROM (SELECT o.*, p.e164 AS _ph, ${anonymousId(ctx.source, raw('o._oid'), guestsAllowed)} AS _a,
              CASE WHEN o._refund_row THEN abs(coalesce(o._tot, o._sum)) ELSE coalesce(o._tot, o._sum) END AS _total,
              ${kind === 'refunded' ? refundColumns : raw('NULL AS _refunded_to_date, NULL AS _stored, NULL AS _amount')}
            FROM ${O} o LEFT JOIN ${P} p ON p.raw = o._phr ${kind === 'refunded' ? storedRefunds : raw('')}
            WHERE o._oerr IS NULL AND ${raw(kindApplies[kind])} ${kind === 'refunded' ? raw(`AND (o._refund_row OR rf.stored IS NULL OR ${refundedToDate} > rf.stored)`) : raw('')})))`,
    );
    const orderRejections = sql`SELECT ${rejectionRow(ctx, {
      code: raw('o._oerr.code'),
      reason: raw(`o._oerr.reason || ' (order ' || o._oid || ')'`),
      field: raw('o._oerr.field'),
      location: sql`${ctx.fileName} || ':' || l._line`,
      raw: rawCells(scope),
      n: linePosition(range, raw('l._line'), 0),
    })}
      FROM ${L} l JOIN ${O} o ON o._k = l._k JOIN ${ident(tables.rows)} r ON r.rowid = l._rn
      WHERE o._oerr IS NOT NULL AND l._skip IS NULL AND l._err IS NULL AND r.rowid >= ${range.from} AND r.rowid < ${range.readTo}`;
    return sql`(${join([...events, lineRejections(tables, spec, ctx, range), orderRejections], ' UNION ALL ')})`;
  };

  const counts = (range: ChunkRange): Sql => {
    const perEvent = (['completed', 'refunded', 'cancelled'] as const).map(
      (k) => sql`SELECT 'event' AS kind, ${eventName[k]} AS key, count(*) FILTER (WHERE ${raw(kindApplies[k])}) AS n FROM ${O} WHERE _oerr IS NULL`,
    );
    return sql`${join(
      [
        sql`SELECT 'skip' AS kind, _skip AS key, count(*) AS n FROM ${L} WHERE _skip IS NOT NULL AND _rn < ${range.to} GROUP BY _skip`,
        sql`SELECT 'error', _err.code, count(*) FROM ${L} WHERE _skip IS NULL AND _err IS NOT NULL AND _rn < ${range.to} GROUP BY _err.code`,
        sql`SELECT 'error', _oerr.code, sum(_n) FROM ${O} WHERE _oerr IS NOT NULL GROUP BY _oerr.code`,
        sql`SELECT 'imported', 'rows', coalesce(sum(_n), 0) FROM ${O} WHERE _oerr IS NULL`,
        ...perEvent,
      ],
      ' UNION ALL ',
    )}`;
  };

  const anchorScope = scope.with('r', raw('r.rowid'));
  const anchorKey = order.group_by ? anchorScope.text({ column: order.group_by, optional: false }, 'order.group_by') : anchorScope.text(order.order_id, 'order.order_id');
  return {
    spec,
    anchorKey,
    prepare,
    phones: () => sql`SELECT DISTINCT _phr AS raw FROM ${L} WHERE _phr IS NOT NULL AND _err IS NULL AND _skip IS NULL`,
    staged,
    counts,
  };
}

/**
 * Every imported message needs an id for the identity graph to hang it on: the customer id, else
 * the normalized email, else the phone (E.164 when it parses), prefixed with the source
 * (`orders:C1001`); with `guests: anonymous`, an order with none of them gets `source:guest:<order id>`.
 */
export function anonymousId(source: string, rowKey: Sql, guests: boolean): Sql {
  const who = sql`coalesce(_cid, _em, _ph, _phr, _uid)`;
  return guests ? sql`${source} || ':' || coalesce(${who}, 'guest:' || ${rowKey})` : sql`${source} || ':' || ${who}`;
}

/** The row's customer id as Segment's `context.externalIds` (JSON text), NULL without one: in the message, and the staged `x`. */
export function externalIdsJson(idType: string): Sql {
  return sql`CASE WHEN _cid IS NOT NULL THEN '[' || ${jsonObject([
    { key: 'id', value: jsonString(raw('_cid')) },
    { key: 'type', value: jsonString(sql`${idType}`) },
    { key: 'collection', value: raw(`'"users"'`) },
    { key: 'encoding', value: raw(`'"none"'`) },
  ])} || ']' END`;
}

/** context: the standardized email and phone as traits, the customer id as an external id, and where the row came from. */
export function contextJson(idType: string, ctx: StagedContext): Sql {
  const traits = jsonObject([
    { key: 'email', value: jsonString(raw('_em')) },
    { key: 'phone', value: jsonString(raw('_ph')) },
  ]);
  return jsonObject([
    // channel import: identity reads the external ids of imported rows, and the metrics make no web sessions of them.
    { key: 'channel', value: raw(`'"import"'`) },
    { key: 'traits', value: sql`CASE WHEN _em IS NOT NULL OR _ph IS NOT NULL THEN ${traits} END` },
    { key: 'externalIds', value: externalIdsJson(idType) },
    { key: 'tessera', value: jsonObject([{ key: 'location', value: jsonString(sql`${ctx.fileName} || ':' || _line`) }]) },
  ]);
}
