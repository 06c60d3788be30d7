import type { WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import { sql, type Store } from '../store/index.js';
import { today } from './as-of.js';
import { ruleRelation } from './compile-rule.js';
import { evaluationPoint } from './segment-members.js';
import { getSegment, listSegments } from './segment-store.js';

export interface MembershipChange {
  segment: string;
  members: number;
  entered: number;
  left: number;
}

/**
 * Re-evaluates every stored segment (or one) now and records who entered and who left, as spells in
 * segment_membership, and the day's size in segment_snapshots (the last refresh of a day wins). So
 * "size over time" and "who moved" are queries, not recomputations.
 */
export async function refreshMemberships(store: Store, workspace: WorkspaceConfig, options: { id?: string; now?: Date } = {}): Promise<MembershipChange[]> {
  await refreshFacts(store, workspace);
  const now = options.now ?? new Date();
  const asOf = evaluationPoint(workspace, undefined, now);
  const day = today(workspace.reportingTimezone, now);
  const segments = options.id === undefined ? await listSegments(store) : [await getSegment(store, options.id)];
  const changes: MembershipChange[] = [];
  for (const segment of segments) {
    const held = ruleRelation(segment.rule, { dialect: store.dialect, asOf });
    changes.push(
      await store.transaction(async (tx) => {
        await tx.run(sql`CREATE OR REPLACE TEMP TABLE segment_members_now AS SELECT c.id AS customer_id FROM ${held} c`);
        const left = await tx.run(sql`UPDATE segment_membership SET left_at = ${now}
          WHERE segment_id = ${segment.id} AND left_at IS NULL AND customer_id NOT IN (SELECT customer_id FROM segment_members_now)`);
        const entered = await tx.run(sql`INSERT INTO segment_membership (segment_id, customer_id, entered_at, left_at)
          SELECT ${segment.id}, customer_id, ${now}, NULL FROM segment_members_now
          WHERE customer_id NOT IN (SELECT customer_id FROM segment_membership WHERE segment_id = ${segment.id} AND left_at IS NULL)`);
        const counted = await tx.query<{ n: number }>(sql`SELECT count(*) AS n FROM segment_members_now`);
        const members = Number(counted[0]?.n ?? 0);
        await tx.run(sql`DELETE FROM segment_snapshots WHERE segment_id = ${segment.id} AND day = CAST(${day} AS DATE)`);
        await tx.run(sql`INSERT INTO segment_snapshots (segment_id, day, customers, taken_at) VALUES (${segment.id}, CAST(${day} AS DATE), ${members}, ${now})`);
        await tx.run(sql`DROP TABLE segment_members_now`);
        return { segment: segment.id, members, entered, left };
      }),
    );
  }
  return changes;
}

/** `segments history ID --json`: size per snapshot day, and customers entering and leaving per day. */
export interface SegmentHistory {
  segment: string;
  snapshots: { day: string; customers: number }[];
  changes: { day: string; entered: number; left: number }[];
}

/** The recorded history of a segment, days in the reporting zone. */
export async function readSegmentHistory(store: Store, workspace: WorkspaceConfig, id: string): Promise<SegmentHistory> {
  await getSegment(store, id);
  const d = store.dialect;
  const tz = workspace.reportingTimezone;
  const [snapshots, changes] = await Promise.all([
    store.query<{ day: string; customers: number }>(sql`SELECT CAST(day AS VARCHAR) AS day, customers FROM segment_snapshots WHERE segment_id = ${id} ORDER BY day`),
    store.query<{ day: string; entered: number; left: number }>(sql`SELECT CAST(day AS VARCHAR) AS day, sum(entered) AS entered, sum("left") AS "left" FROM (
        SELECT ${d.localDate(sql`entered_at`, tz)} AS day, 1 AS entered, 0 AS "left" FROM segment_membership WHERE segment_id = ${id}
        UNION ALL
        SELECT ${d.localDate(sql`left_at`, tz)}, 0, 1 FROM segment_membership WHERE segment_id = ${id} AND left_at IS NOT NULL) t
      GROUP BY day ORDER BY day`),
  ]);
  return {
    segment: id,
    snapshots: snapshots.map((s) => ({ day: s.day, customers: Number(s.customers) })),
    changes: changes.map((c) => ({ day: c.day, entered: Number(c.entered), left: Number(c.left) })),
  };
}
