import type { WorkspaceConfig } from '../contract/index.js';
import { refreshFacts, type SegmentFilter } from '../metrics/index.js';
import { evaluationPoint, getSegment, listMembers } from '../segments/index.js';
import type { Store } from '../store/index.js';

/**
 * A segment's members as of now, as the filter of a KPI query (`metrics --segment`, `?segment=` of
 * the API). Rules read the facts, so those are brought up to date first; an unknown id is a 404 /
 * user error from the segment store.
 */
export async function segmentScope(store: Store, workspace: WorkspaceConfig, id: string): Promise<SegmentFilter> {
  const segment = await getSegment(store, id);
  await refreshFacts(store, workspace);
  const members = await listMembers(store, segment.rule, evaluationPoint(workspace));
  return { customerIds: members.map((m) => m.customer_id) };
}
