import { useState } from 'react';
import { saveToken, tokenRefused } from './token.js';

/** Asked for when no read token is stored: the dashboard reads nothing without one. */
export function TokenScreen() {
  const [value, setValue] = useState('');
  return (
    <main className="token-screen">
      <h1>Tessera</h1>
      {tokenRefused() && (
        <p className="status error" role="alert" data-testid="token-refused">
          The server refused that token: it is not a read token of this workspace, or it was revoked. Paste a valid read token.
        </p>
      )}
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
