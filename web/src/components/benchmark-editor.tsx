import { useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '../api/client.js';
import type { BenchmarkStatus, Unit } from '../api/types.js';
import { formatValue } from '../format.js';

/**
 * The KPI's target and baseline period, editable in place (`PUT /api/v1/metrics/:id/benchmark`):
 * saved for the workspace over the config's, cleared to fall back to it. The target is in the
 * KPI's own unit, as its tile shows it (25 for a rate of 25%).
 */
export function BenchmarkEditor({ metric, unit, benchmark, onSaved }: { metric: string; unit: Unit; benchmark: BenchmarkStatus | null; onSaved: () => void }) {
  const [target, setTarget] = useState(benchmark?.target === null || benchmark?.target === undefined ? '' : String(benchmark.target));
  const [better, setBetter] = useState<'' | 'higher' | 'lower'>('');
  const [from, setFrom] = useState(benchmark?.baseline?.from ?? '');
  const [to, setTo] = useState(benchmark?.baseline?.to ?? '');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const path = `/metrics/${encodeURIComponent(metric)}/benchmark`;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...(target.trim() !== '' ? { target: Number(target) } : {}),
      ...(better ? { better } : {}),
      ...(from && to ? { baseline: { from, to } } : {}),
    };
    try {
      await apiFetch(path, { method: 'PUT', body });
      setMessage({ error: false, text: 'Saved.' });
      onSaved();
    } catch (err) {
      setMessage({ error: true, text: err instanceof ApiError ? err.message : 'The benchmark could not be saved.' });
    }
  };

  const clear = async () => {
    try {
      await apiFetch(path, { method: 'DELETE' });
      setTarget('');
      setFrom('');
      setTo('');
      setMessage({ error: false, text: "Cleared: the config's benchmark, if any, applies." });
      onSaved();
    } catch (err) {
      setMessage({ error: true, text: err instanceof ApiError ? err.message : 'The benchmark could not be cleared.' });
    }
  };

  return (
    <section aria-labelledby="benchmark-title">
      <h2 id="benchmark-title">Target</h2>
      <p className="hint">
        {benchmark?.status
          ? `${benchmark.status === 'on_track' ? 'On track' : 'Off track'} against ${benchmark.target !== null ? `the target ${formatValue(benchmark.target, unit)}` : `the baseline ${formatValue(benchmark.baseline?.value ?? null, unit)}`}.`
          : 'No target or baseline yet: set one and the overview colours this KPI on or off track.'}
      </p>
      <form className="benchmark-form" onSubmit={(e) => void save(e)} aria-label="Benchmark">
        <label>
          Target ({unit})
          <input type="number" step="any" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="benchmark-target" />
        </label>
        <label>
          Better when
          <select value={better} onChange={(e) => setBetter(e.target.value as '' | 'higher' | 'lower')}>
            <option value="">as the catalog says ({benchmark?.better ?? 'higher'})</option>
            <option value="higher">higher</option>
            <option value="lower">lower</option>
          </select>
        </label>
        <label>
          Baseline from
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          Baseline to (exclusive)
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit">Save target</button>
        <button type="button" onClick={() => void clear()}>
          Clear
        </button>
      </form>
      {message && (
        <p className={`form-message${message.error ? ' error' : ''}`} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
