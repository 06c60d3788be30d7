import type { SegmentMembersReport, SegmentSize, WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import { countMembers, evaluationPoint, listMembers, type SegmentMember } from './segment-members.js';
import { getSegment, listSegments, type StoredSegment } from './segment-store.js';

// The documents `tessera segments … --json` prints and the read API returns: one builder each, so
// the two cannot drift apart.

/** `segments list --json`, `GET /api/v1/segments`. */
export async function segmentsListReport(store: Store): Promise<{ segments: StoredSegment[] }> {
  return { segments: await listSegments(store) };
}

/** `segments show ID --json`, `GET /api/v1/segments/:id`: the definition and its size now (or at the end of a day). */
export async function segmentShowReport(store: Store, workspace: WorkspaceConfig, id: string, day?: string): Promise<StoredSegment & SegmentSize> {
  const segment = await getSegment(store, id);
  await refreshFacts(store, workspace);
  const asOf = evaluationPoint(workspace, day);
  return { ...segment, as_of: asOf.day, customers: await countMembers(store, segment.rule, asOf) };
}

export type MembersReport = SegmentMembersReport;

/** `segments members ID --json`, `GET /api/v1/segments/:id/members`. */
export async function segmentMembersReport(store: Store, workspace: WorkspaceConfig, id: string, options: { day?: string; limit?: number; offset?: number } = {}): Promise<MembersReport> {
  const segment = await getSegment(store, id);
  await refreshFacts(store, workspace);
  const asOf = evaluationPoint(workspace, options.day);
  const [customers, members] = await Promise.all([
    countMembers(store, segment.rule, asOf),
    listMembers(store, segment.rule, asOf, { ...(options.limit === undefined ? {} : { limit: options.limit }), ...(options.offset === undefined ? {} : { offset: options.offset }) }),
  ]);
  return { segment: id, as_of: asOf.day, customers, members };
}

const csvCell = (v: string | null): string => (v === null ? '' : /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** Members as CSV (header first) or NDJSON text, for exports. */
export function formatMembers(members: readonly SegmentMember[], format: 'csv' | 'ndjson', header: boolean): string {
  if (format === 'ndjson') return members.map((m) => JSON.stringify(m) + '\n').join('');
  return (header ? 'customer_id,email\n' : '') + members.map((m) => `${csvCell(m.customer_id)},${csvCell(m.email)}\n`).join('');
}
