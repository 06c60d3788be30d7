import type { CatalogEntry } from './types.js';
import { useApi, type ApiState } from './use-api.js';

/** Whether a KPI moves before results (leading) or is the result (lagging). */
export function isLeading(entry: CatalogEntry): boolean {
  return entry.tag === 'leading' || entry.leading === true;
}

/** The KPI catalog, whether the server lists it bare or under `metrics`. */
export function useCatalog(): ApiState<CatalogEntry[]> {
  const state = useApi<CatalogEntry[] | { metrics: CatalogEntry[] }>('/metrics');
  if (state.status !== 'ok') return state;
  return { status: 'ok', data: Array.isArray(state.data) ? state.data : state.data.metrics };
}
