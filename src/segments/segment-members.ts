import type { SegmentMember, WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import { sql, type Sql, type Store } from '../store/index.js';
import { asOfDay, today, type AsOf } from './as-of.js';
import { ruleRelation } from './compile-rule.js';
import { Rule, parseOrThrow } from './rule-definition.js';

// A member as exports and the API list them: the shape lives in contract/, which the dashboard reads too.
export type { SegmentMember };

/** Where a rule is evaluated: the end of a given day, or now (event windows end now, facts as of today). */
export function evaluationPoint(workspace: WorkspaceConfig, day?: string, now = new Date()): AsOf {
  return day === undefined ? { day: today(workspace.reportingTimezone, now), end: now } : asOfDay(day, workspace.reportingTimezone);
}

/** The members of a rule: customer_id and one email, by customer_id. */
export function membersQuery(store: Store, rule: Rule, asOf: AsOf): Sql {
  return sql`SELECT c.id AS customer_id, em.email
    FROM ${ruleRelation(rule, { dialect: store.dialect, asOf })} c
    LEFT JOIN (SELECT customer_id, min(value) AS email FROM customer_map WHERE type = ${'email'} GROUP BY customer_id) em ON em.customer_id = c.id
    ORDER BY c.id`;
}

/** How many customers a rule holds. */
export async function countMembers(store: Store, rule: Rule, asOf: AsOf): Promise<number> {
  const rows = await store.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${ruleRelation(rule, { dialect: store.dialect, asOf })} c`);
  return Number(rows[0]?.n ?? 0);
}

/** A page of a rule's members. */
export async function listMembers(store: Store, rule: Rule, asOf: AsOf, page: { limit?: number; offset?: number } = {}): Promise<SegmentMember[]> {
  const limited = sql`${membersQuery(store, rule, asOf)} LIMIT ${page.limit ?? 1_000_000_000} OFFSET ${page.offset ?? 0}`;
  return store.query<SegmentMember>(limited);
}

/** The live count of a definition that is not stored (the dashboard's preview): validates, refreshes facts, counts. */
export async function previewRule(store: Store, workspace: WorkspaceConfig, input: unknown, day?: string): Promise<{ as_of: string; customers: number }> {
  const body = input !== null && typeof input === 'object' && 'rule' in input ? (input as { rule: unknown }).rule : input;
  const rule = parseOrThrow(Rule, body, 'rule');
  await refreshFacts(store, workspace);
  const asOf = evaluationPoint(workspace, day);
  return { as_of: asOf.day, customers: await countMembers(store, rule, asOf) };
}
