import { useState } from 'react';
import { saveToken } from './token.js';

/** Asked for when no read token is stored: the dashboard reads nothing without one. */
export function TokenScreen() {
  const [value, setValue] = useState('');
  return (
    <main className="token-screen">
      <h1>Tessera</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) saveToken(value);
        }}
      >
        <label htmlFor="token">Paste a read token</label>
        <input id="token" value={value} onChange={(e) => setValue(e.target.value)} placeholder="tsk_r_…" autoFocus autoComplete="off" spellCheck={false} />
        <button type="submit">Open the dashboard</button>
      </form>
      <p className="hint">
        Create one with <code>tessera keys create --name dashboard --kind read</code>. It is kept in this browser only.
      </p>
    </main>
  );
}
