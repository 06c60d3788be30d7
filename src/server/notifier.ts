import type { AlertCheck } from '../activation/index.js';

/** Something the live feed tells open dashboards about, besides new events. */
export type Notice = { kind: 'alerts'; check: AlertCheck };

/**
 * In-process notices from whoever changes state (the scheduler, a command run inside the server)
 * to the live feed. A listener that throws does not stop the others.
 */
export class Notifier {
  private readonly listeners = new Set<(notice: Notice) => void>();

  /** Adds a listener; the returned function removes it. */
  on(listener: (notice: Notice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(notice: Notice): void {
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        // A broken listener (a closed socket) is its own problem, not the sender's.
      }
    }
  }
}
