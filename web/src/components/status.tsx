import type { ReactNode } from 'react';
import type { ApiState } from '../api/use-api.js';

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="status empty">{children}</p>;
}

export function ErrorBox({ what, message }: { what: string; message: string }) {
  return (
    <div className="status error" role="alert">
      <strong>Could not load {what}.</strong> {message}
    </div>
  );
}

/** Renders an API state: loading and errors in words, the data through `children`. */
export function Loaded<T>({ state, what, children }: { state: ApiState<T>; what: string; children: (data: T) => ReactNode }) {
  if (state.status === 'loading') return <Loading what={what} />;
  if (state.status === 'error') return <ErrorBox what={what} message={state.error.message} />;
  return <>{children(state.data)}</>;
}
