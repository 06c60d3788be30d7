import { useEffect, useState } from 'react';
import { ApiError, apiFetch } from './client.js';

export type ApiState<T> = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ok'; data: T };

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'client', (err as Error).message || 'Something went wrong in the dashboard.');
}

/** GETs `path` (null: nothing to fetch yet) and re-fetches when it or `reload` changes; stale answers are dropped. */
export function useApi<T>(path: string | null, reload = 0): ApiState<T> {
  const [state, setState] = useState<ApiState<T>>({ status: 'loading' });
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState((s) => (s.status === 'ok' && reload > 0 ? s : { status: 'loading' }));
    apiFetch<T>(path, { signal: controller.signal }).then(
      (data) => setState({ status: 'ok', data }),
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: toApiError(err) });
      },
    );
    return () => controller.abort();
  }, [path, reload]);
  return state;
}
