// The read token: taken from the URL fragment `#token=…` once (as `tessera demo` prints it), then kept in localStorage.

const KEY = 'tessera.readToken';
const EVENT = 'tessera:token';

/** Moves a `#token=` fragment into storage and removes it from the address bar, so it is not shared with the URL. */
export function adoptTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  localStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
}

export function readToken(): string | null {
  return localStorage.getItem(KEY);
}

export function saveToken(token: string): void {
  refused = false;
  localStorage.setItem(KEY, token.trim());
  window.dispatchEvent(new Event(EVENT));
}

let refused = false;

/** Forgets the token; `refused` when the server turned it away, so the token screen can say why it is back. */
export function clearToken(options: { refused?: boolean } = {}): void {
  if (localStorage.getItem(KEY) === null) return;
  refused = options.refused === true;
  localStorage.removeItem(KEY);
  window.dispatchEvent(new Event(EVENT));
}

/** Whether the last token was forgotten because the server refused it (wrong, or revoked). */
export function tokenRefused(): boolean {
  return refused;
}

/** Calls `listener` whenever the token is saved or cleared. */
export function onTokenChange(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
