import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listEvents, newestEventSeq, type EventRow, type Ingestor } from '../../ingest/index.js';
import type { Store } from '../../store/index.js';
import type { Notifier } from '../notifier.js';
import { parseMessage } from './read-api.js';
import { parseInput } from './parse-input.js';

export const LIVE_PATH = '/api/v1/live';

export interface LiveDeps {
  store: Store;
  ingestor: Ingestor;
  /** Alerts fired or resolved go out as `alerts` frames the moment they happen. */
  notifier?: Notifier;
  /** How often to look for new data that did not come through the log (bulk imports) and tell clients metrics changed. */
  tickMs?: number;
  /** Comment lines that keep idle connections open through proxies. */
  heartbeatMs?: number;
}

/** At most this many events go out per batch; a burst beyond it is summarized as `truncated`. */
const BATCH = 200;

export const LiveQuery = z.object({ token: z.string().optional(), after: z.coerce.number().int().min(0).optional() }).strict();

/** One server-sent event frame. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface Client {
  res: ServerResponse;
  after: number;
}

/**
 * The live feed: one poll of the store per load of the log (and per tick), fanned out to every
 * connected client, so a hundred open dashboards cost one query, not a hundred.
 */
class LiveHub {
  private readonly clients = new Set<Client>();
  private lastSeq = 0;
  private polling: Promise<void> | null = null;
  private again = false;
  private changedSinceTick = false;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {}

  async start(ingestor: Ingestor, tickMs: number, heartbeatMs: number): Promise<void> {
    this.lastSeq = await this.maxSeq();
    // The ingestor keeps its listeners for its lifetime: after close this one only returns.
    ingestor.onLoaded(() => this.poll());
    const tick = setInterval(() => void this.tick(), tickMs);
    const beat = setInterval(() => this.broadcast(': ping\n\n'), heartbeatMs);
    tick.unref();
    beat.unref();
    this.timers.push(tick, beat);
  }

  private maxSeq(): Promise<number> {
    return newestEventSeq(this.store);
  }

  /** The next event sequence a new client starts after. */
  get position(): number {
    return this.lastSeq;
  }

  add(client: Client): void {
    this.clients.add(client);
    client.res.on('close', () => this.clients.delete(client));
    // A reconnecting client (Last-Event-ID) may have missed events: catch up now.
    if (client.after < this.lastSeq) void this.catchUp(client);
  }

  private async catchUp(client: Client): Promise<void> {
    try {
      const rows = await listEvents(this.store, { afterSeq: client.after, limit: BATCH });
      if (rows.length > 0) this.send(client, rows, rows.length === BATCH);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Looks for new events; overlapping calls collapse into one more pass. */
  poll(): void {
    if (this.closed) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = (async () => {
      try {
        do {
          this.again = false;
          // The newest BATCH events after the last sent: a burst of thousands is not worth sending one by one.
          const rows = await listEvents(this.store, { afterSeq: this.lastSeq, newest: true, limit: BATCH });
          if (rows.length === 0) continue;
          const truncated = rows.length === BATCH;
          this.lastSeq = rows[rows.length - 1]!.seq;
          this.changedSinceTick = true;
          for (const c of this.clients) this.send(c, rows.filter((r) => r.seq > c.after), truncated);
        } while (this.again && !this.closed);
      } catch (err) {
        this.onError(err);
      } finally {
        this.polling = null;
      }
    })();
  }

  private send(client: Client, rows: EventRow[], truncated: boolean): void {
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!.seq;
    client.after = last;
    const events = rows.map((r) => ({ seq: r.seq, source: r.source, message: parseMessage(r.message) }));
    client.res.write(sseFrame('events', { events, truncated }, last));
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      // Bulk imports write straight to the store, not through the log: notice them here.
      if ((await this.maxSeq()) > this.lastSeq) this.poll();
    } catch (err) {
      this.onError(err);
    }
    if (!this.changedSinceTick) return;
    this.changedSinceTick = false;
    this.broadcast(sseFrame('metrics', { changed: true, seq: this.lastSeq, at: new Date().toISOString() }));
  }

  /** Sends a notice to every open dashboard as its own event type. */
  notify(event: string, data: unknown): void {
    if (!this.closed) this.broadcast(sseFrame(event, data));
  }

  private broadcast(frame: string): void {
    for (const c of this.clients) c.res.write(frame);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}

/**
 * `GET /api/v1/live`: server-sent events. `events` carries newly stored events (the shape of
 * `GET /api/v1/events`), `metrics` says data changed so KPIs are worth re-reading, `alerts` carries
 * the alerts just fired and resolved. EventSource
 * cannot send headers, so the read token may come as `?token=`.
 *
 * Register before the read API: its token check reads the Authorization header this hook fills.
 */
export async function registerLive(app: FastifyInstance, deps: LiveDeps): Promise<void> {
  const hub = new LiveHub(deps.store, (err) => app.log.error({ err }, 'live feed failed'));
  await hub.start(deps.ingestor, deps.tickMs ?? 5_000, deps.heartbeatMs ?? 15_000);
  const unsubscribe = deps.notifier?.on((notice) => {
    if (notice.kind === 'alerts') hub.notify('alerts', { fired: notice.check.fired, resolved: notice.check.resolved });
  });

  app.addHook('onRequest', async (request) => {
    if (request.url.split('?')[0] !== LIVE_PATH || request.headers.authorization) return;
    const token = (request.query as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && token) request.headers.authorization = `Bearer ${token}`;
  });
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    unsubscribe?.();
    hub.close();
  });

  app.get(LIVE_PATH, async (request, reply) => {
    const query = parseInput(LiveQuery, request.query);
    const lastEventId = Number(request.headers['last-event-id']);
    const after = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (query.after ?? hub.position);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n${sseFrame('hello', { after })}`);
    hub.add({ res, after });
  });
}
