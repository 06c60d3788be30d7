import { TesseraError } from '../contract/index.js';
import { ident, join, raw, sql, type Sql } from '../store/index.js';
import type { AsOf } from './as-of.js';
import { customerMeasures } from './customer-measures.js';
import type { BoughtCondition, Comparison, CountFilter, CountOp, EventCondition, FactCondition, FactName, PredictionCondition, RfmCondition, Rule, Scalar, TraitCondition } from './rule-definition.js';
import { rfmRelation, scoreRelation } from './rfm-query.js';
import { jsonPointer, segmentFunctions, type SegmentFunctions } from './segment-sql.js';
import type { Dialect } from '../store/index.js';

/**
 * Compiles a rule to a boolean SQL condition over `c.key` (a customer key). Every leaf is a
 * semi-join `c.key IN (…)` on a subquery of customer keys, so leaves combine with AND/OR/NOT
 * without NULL surprises. Every value a user wrote, trait and property names included, is a bound
 * parameter: nothing of the definition becomes SQL text.
 */
export interface RuleContext {
  dialect: Dialect;
  /** The evaluation point: facts as of this day, event windows ending at `end`. */
  asOf: AsOf;
  /**
   * Set by ruleRelation: leaves read the customer measures and RFM scores from the CTEs
   * `rule_measures` and `rule_rfm` it defines once, and record here which ones they need.
   */
  shared?: SharedRelations;
}

/** Which relations shared by the leaves of one rule its leaves read, and under which names. */
export interface SharedRelations {
  measures: boolean;
  rfm: boolean;
  /** Some RFM leaf filters on M, so the RFM scores need monetary cut points. */
  monetary: boolean;
  names: ProvidedRelations;
}

/** The per-customer measures, computed once per rule when the rule is compiled by ruleRelation. */
function measuresOf(ctx: RuleContext, f: SegmentFunctions): Sql {
  if (!ctx.shared) return customerMeasures(ctx.asOf, f);
  ctx.shared.measures = true;
  return ctx.shared.names.measures;
}

const DAY_MS = 86_400_000;

const countOps: Record<CountOp, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Whether `n` passes a count filter, in JavaScript: decides how a filter that 0 passes is compiled. */
export function passesCount(filter: CountFilter, n: number): boolean {
  const v = filter.value;
  switch (filter.op) {
    case 'eq':
      return n === v;
    case 'neq':
      return n !== v;
    case 'gt':
      return n > v;
    case 'gte':
      return n >= v;
    case 'lt':
      return n < v;
    case 'lte':
      return n <= v;
  }
}

/** Customers whose count passes the filter; those with no row at all count 0. */
function countCondition(keysWithCount: (having: Sql) => Sql, filter: CountFilter): Sql {
  const pass = sql`count(*) ${raw(countOps[filter.op])} ${filter.value}`;
  if (!passesCount(filter, 0)) return sql`c.key IN (${keysWithCount(pass)})`;
  // Zero passes (e.g. "fewer than 2"): everyone except those whose count fails.
  return sql`NOT (c.key IN (${keysWithCount(sql`NOT (${pass})`)}))`;
}

const isNumber = (v: Scalar): v is number => typeof v === 'number';

/** `value` (text, or NULL when missing) compared as the comparison says; NULL never passes. */
function compareText(value: Sql, c: Comparison, f: SegmentFunctions): Sql {
  const one = c.value as Scalar;
  const list = c.value as Scalar[];
  const text = (v: Scalar) => String(v);
  const numeric = (v: Sql) => f.tryNumber(v);
  const cmp = (op: string) => (isNumber(one) ? sql`${numeric(value)} ${raw(op)} ${one}` : sql`${value} ${raw(op)} ${text(one)}`);
  const inList = () => (list.every(isNumber) ? sql`${numeric(value)} IN (${join(list.map((v) => sql`${v}`))})` : sql`${value} IN (${join(list.map((v) => sql`${text(v)}`))})`);
  switch (c.op) {
    case 'exists':
      return sql`${value} IS NOT NULL`;
    case 'not_exists':
      return sql`${value} IS NULL`;
    case 'eq':
      return cmp('=');
    case 'neq':
      return cmp('<>');
    case 'gt':
      return cmp('>');
    case 'gte':
      return cmp('>=');
    case 'lt':
      return cmp('<');
    case 'lte':
      return cmp('<=');
    case 'contains':
      return f.contains(value, text(one));
    case 'not_contains':
      return sql`NOT ${f.contains(value, text(one))}`;
    case 'starts_with':
      return f.startsWith(value, text(one));
    case 'ends_with':
      return f.endsWith(value, text(one));
    case 'in':
      return inList();
    case 'not_in':
      return sql`NOT (${inList()})`;
  }
}

const keyPath = (k: string | string[]): string[] => (Array.isArray(k) ? k : [k]);

/** The latest non-null value of a trait from identify calls, per customer key. */
function traitValues(path: string[], f: SegmentFunctions): Sql {
  const value = f.jsonPointerText(sql`e.message`, jsonPointer(['traits', ...path]));
  return sql`(SELECT ef.customer_key, ${f.argMax(sql`t.v`, sql`ef.ts`)} AS v
    FROM event_facts ef JOIN (SELECT e.seq, ${value} AS v FROM events e WHERE e.type = ${'identify'}) t ON t.seq = ef.seq
    WHERE t.v IS NOT NULL GROUP BY ef.customer_key)`;
}

function compileTrait(rule: TraitCondition, f: SegmentFunctions): Sql {
  const values = traitValues(keyPath(rule.trait), f);
  // A missing trait passes only not_exists; every other operator needs the trait to be there.
  if (rule.op === 'not_exists') return sql`NOT (c.key IN (SELECT customer_key FROM ${values} tv))`;
  return sql`c.key IN (SELECT customer_key FROM ${values} tv WHERE ${compareText(sql`tv.v`, rule, f)})`;
}

const numericFacts: Partial<Record<FactName, (f: SegmentFunctions, asOf: AsOf) => Sql>> = {
  orders: () => sql`m.frequency`,
  revenue: () => sql`m.monetary`,
  aov: () => sql`(m.monetary / m.frequency)`,
  days_since_last_order: () => sql`m.recency`,
  days_since_first_order: (f, asOf) => f.daysBetween(sql`m.first_day`, sql`CAST(${asOf.day} AS DATE)`),
};

function compileFact(rule: FactCondition, ctx: RuleContext, f: SegmentFunctions): Sql {
  const measures = measuresOf(ctx, f);
  if (rule.op === 'exists' || rule.op === 'not_exists') {
    const has = sql`c.key IN (SELECT customer_key FROM ${measures} m)`;
    return rule.op === 'exists' ? has : sql`NOT ${has}`;
  }
  // The definition's schema has checked the operator and the type of every value for this fact.
  const numeric = numericFacts[rule.fact];
  if (numeric) {
    const expr = numeric(f, ctx.asOf);
    const cond = compareNumber(expr, rule);
    // Customers with no order have 0 orders and 0 revenue (no aov, no days since): include them when 0 passes.
    const zeroPasses = (rule.fact === 'orders' || rule.fact === 'revenue') && passesNumber(rule, 0);
    return zeroPasses ? sql`NOT (c.key IN (SELECT customer_key FROM ${measures} m WHERE NOT (${cond})))` : sql`c.key IN (SELECT customer_key FROM ${measures} m WHERE ${cond})`;
  }
  const column = rule.fact === 'first_order' ? sql`m.first_day` : sql`m.last_day`;
  const asDate = (v: Scalar) => sql`CAST(${String(v)} AS DATE)`;
  return sql`c.key IN (SELECT customer_key FROM ${measures} m WHERE ${compareWith(column, rule, asDate)})`;
}

function compareNumber(expr: Sql, c: Comparison): Sql {
  return compareWith(expr, c, (v) => sql`${v}`);
}

function compareWith(expr: Sql, c: Comparison, lit: (v: Scalar) => Sql): Sql {
  const ops: Partial<Record<Comparison['op'], string>> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
  const op = ops[c.op];
  if (op) return sql`${expr} ${raw(op)} ${lit(c.value as Scalar)}`;
  const list = join((c.value as Scalar[]).map(lit));
  if (c.op === 'in') return sql`${expr} IN (${list})`;
  if (c.op === 'not_in') return sql`${expr} NOT IN (${list})`;
  throw new TesseraError('validation_failed', `${c.op} does not apply here`);
}

function passesNumber(c: Comparison, n: number): boolean {
  const v = c.value;
  if (Array.isArray(v)) return c.op === 'in' ? v.includes(n) : !v.includes(n);
  return c.op === 'in' || c.op === 'not_in' ? false : passesCount({ op: c.op as CountOp, value: Number(v) }, n);
}

function windowStart(ctx: RuleContext, days: number | undefined): Date | undefined {
  return days === undefined ? undefined : new Date(ctx.asOf.end.getTime() - days * DAY_MS);
}

function compileEvent(rule: EventCondition, ctx: RuleContext, f: SegmentFunctions): Sql {
  const since = windowStart(ctx, rule.within_days);
  const wheres = rule.where ?? [];
  const props = wheres.map((w) => compareText(f.jsonPointerText(sql`e.message`, jsonPointer(['properties', ...keyPath(w.property)])), w, f));
  const keys = (having: Sql) => sql`SELECT ef.customer_key FROM event_facts ef
    ${wheres.length > 0 ? sql`JOIN events e ON e.seq = ef.seq` : raw('')}
    WHERE ef.event_code IN (SELECT code FROM event_names WHERE name = ${rule.event}) AND ef.ts < ${ctx.asOf.end}
    ${since ? sql`AND ef.ts >= ${since}` : raw('')}
    ${props.length > 0 ? sql`AND ${join(props, ' AND ')}` : raw('')}
    GROUP BY ef.customer_key HAVING ${having}`;
  return countCondition(keys, rule.count ?? { op: 'gte', value: 1 });
}

function compileBought(rule: BoughtCondition, ctx: RuleContext, f: SegmentFunctions): Sql {
  const b = rule.bought;
  const since = windowStart(ctx, b.within_days);
  const items = (b.where ?? []).map((w) => compareText(sql`${ident('i', w.field)}`, w, f));
  // Orders count as in RFM: placed by the end of the evaluation point and not removed by then.
  const keys = (having: Sql) => sql`SELECT o.customer_key FROM orders o
    WHERE o.ts < ${ctx.asOf.end} AND (o.removed_at IS NULL OR o.removed_at >= ${ctx.asOf.end})
    ${since ? sql`AND o.ts >= ${since}` : raw('')}
    ${items.length > 0 ? sql`AND o.order_id IN (SELECT i.order_id FROM order_items i WHERE ${join(items, ' AND ')})` : raw('')}
    GROUP BY o.customer_key HAVING ${having}`;
  return countCondition(keys, b.count ?? { op: 'gte', value: 1 });
}

/**
 * A model score of the latest `tessera clv predict` (clv_predictions, keyed by customer id): numbers
 * compare as numbers, the two flags with true or false. A customer without a prediction
 * matches only `not_exists`.
 */
function compilePrediction(rule: PredictionCondition): Sql {
  const column = sql`${ident('p', rule.prediction)}`;
  if (rule.op === 'exists' || rule.op === 'not_exists') {
    const has = sql`c.id IN (SELECT customer_id FROM clv_predictions p WHERE ${column} IS NOT NULL)`;
    return rule.op === 'exists' ? has : sql`NOT ${has}`;
  }
  // The definition's schema has checked the operator and that flags compare with booleans, scores with numbers.
  return sql`c.id IN (SELECT customer_id FROM clv_predictions p WHERE ${compareWith(column, rule, (v) => sql`${v}`)})`;
}

function compileRfm(rule: RfmCondition, ctx: RuleContext, f: SegmentFunctions): Sql {
  const conds: Sql[] = [];
  if (rule.rfm.segment) conds.push(sql`x.segment IN (${join(rule.rfm.segment.map((s) => sql`${s}`))})`);
  for (const score of ['r', 'f', 'm'] as const) {
    const filter = rule.rfm[score];
    if (filter) conds.push(sql`${raw(`x.${score}`)} ${raw(countOps[filter.op])} ${filter.value}`);
  }
  let scored: Sql;
  if (ctx.shared) {
    measuresOf(ctx, f);
    ctx.shared.rfm = true;
    if (rule.rfm.m) ctx.shared.monetary = true;
    scored = ctx.shared.names.rfm;
  } else {
    scored = rfmRelation(ctx.asOf, f);
  }
  return sql`c.key IN (SELECT customer_key FROM ${scored} x WHERE ${join(conds, ' AND ')})`;
}

/** The rule as a boolean SQL condition over `c.key`. */
export function compileRule(rule: Rule, ctx: RuleContext): Sql {
  const f = segmentFunctions(ctx.dialect);
  const walk = (r: Rule): Sql => {
    if ('all' in r) return sql`(${join(r.all.map(walk), ' AND ')})`;
    if ('any' in r) return sql`(${join(r.any.map(walk), ' OR ')})`;
    if ('not' in r) return sql`(NOT ${walk(r.not)})`;
    if ('trait' in r) return compileTrait(r, f);
    if ('fact' in r) return compileFact(r, ctx, f);
    if ('event' in r) return compileEvent(r, ctx, f);
    if ('bought' in r) return compileBought(r, ctx, f);
    if ('prediction' in r) return compilePrediction(r);
    return compileRfm(r, ctx, f);
  };
  return walk(rule);
}

/**
 * Relations a caller has computed already for the same evaluation point (the retention view
 * scores RFM at each window's day anyway): customerMeasures and its RFM scores, by CTE name.
 */
export interface ProvidedRelations {
  measures: Sql;
  rfm: Sql;
}

/**
 * The customers a rule holds (columns key, id) as one query: the measures and the RFM scores its
 * leaves read are computed once (CTEs) however many leaves read them, and the RFM scores leave M
 * out when no leaf filters on it.
 */
export function ruleRelation(rule: Rule, ctx: Omit<RuleContext, 'shared'>, provided?: ProvidedRelations): Sql {
  const f = segmentFunctions(ctx.dialect);
  const shared: SharedRelations = { measures: false, rfm: false, monetary: false, names: provided ?? { measures: sql`rule_measures`, rfm: sql`rule_rfm` } };
  const cond = compileRule(rule, { ...ctx, shared });
  const ctes: Sql[] = [];
  if (!provided && shared.measures) ctes.push(sql`rule_measures AS ${f.materialized()} (SELECT * FROM ${customerMeasures(ctx.asOf, f)} m0)`);
  if (!provided && shared.rfm) ctes.push(sql`rule_rfm AS (SELECT * FROM ${scoreRelation(sql`rule_measures`, f, { materialized: true, withoutMonetary: !shared.monetary })} s0)`);
  // Resolved customers are those in customer_map (a million ids as text): testing the rule's
  // candidates against it by building the hash table on the candidates, not on customer_map, is
  // what keeps a selective rule fast; the answer is the same as populationRelation() filtered.
  ctes.push(sql`rule_candidates AS (SELECT c.key, c.id FROM customer_keys c WHERE ${cond})`);
  return sql`(WITH ${join(ctes)}
    SELECT rc.key, rc.id FROM rule_candidates rc
    WHERE rc.id IN (SELECT m.customer_id FROM customer_map m WHERE m.customer_id IN (SELECT id FROM rule_candidates)))`;
}

/** Customers a rule is evaluated over: every resolved customer (key and id). */
export function populationRelation(): Sql {
  return sql`(SELECT key, id FROM customer_keys WHERE id IN (SELECT customer_id FROM customer_map))`;
}
