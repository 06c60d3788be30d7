import { Worker } from 'node:worker_threads';
import { TesseraError, type ErrorCode, type IngestConfig, type WorkspaceConfig } from '../contract/index.js';
import type { AcceptOptions, PreparedMessages } from './prepare-messages.js';
import type { TrackingShape } from './tracking-body.js';

/** A tracking body sent to a worker: its JSON text, what it should hold, and how to stamp it. */
export interface PrepareJob {
  id: number;
  body: string;
  shape: TrackingShape;
  options: Omit<AcceptOptions, 'locate'>;
}

export type PrepareReply = { id: number; ok: true; result: PreparedMessages } | { id: number; ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: PreparedMessages) => void; reject: (e: Error) => void }>;
}

/**
 * Worker threads that turn tracking bodies into log lines. The main thread keeps HTTP and the
 * group-committed log; each body goes to the worker with the fewest in hand. Compiled, the worker
 * is a .js file beside this one; run from source (tests, tsx), it is the .ts file loaded through tsx.
 */
export class PreparePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    size: number,
    private readonly workspace: WorkspaceConfig,
    private readonly config: IngestConfig,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const workerData = { workspace: this.workspace, config: this.config };
    const worker = import.meta.url.endsWith('.ts')
      ? // From source, the worker registers tsx's loader before importing its TypeScript entry.
        new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./prepare-worker.ts', import.meta.url).href)}); })`, {
          eval: true,
          workerData,
        })
      : new Worker(new URL('./prepare-worker.js', import.meta.url), { workerData });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: PrepareReply) => {
      const waiting = slot.pending.get(reply.id);
      if (!waiting) return;
      slot.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new TesseraError(reply.error.code, reply.error.message, reply.error.details));
    });
    const fail = (why: string) => {
      for (const w of slot.pending.values()) w.reject(new TesseraError('internal', why));
      slot.pending.clear();
    };
    worker.on('error', (err) => fail(`a preparation worker failed: ${err.message}`));
    worker.on('exit', () => {
      fail('a preparation worker stopped');
      // A worker that died is replaced, so one bad body cannot take ingestion's capacity with it.
      const i = this.slots.indexOf(slot);
      if (!this.closing && i >= 0) this.slots[i] = this.spawn();
    });
    worker.unref();
    return slot;
  }

  /** Parses, validates and standardizes one tracking body in a worker. */
  run(body: string, shape: TrackingShape, options: Omit<AcceptOptions, 'locate'>): Promise<PreparedMessages> {
    if (this.closing) return Promise.reject(new TesseraError('shutting_down', 'ingestion is shutting down'));
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    const job: PrepareJob = { id, body, shape, options };
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
