import type { FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError } from '../contract/index.js';

/**
 * Bounds the request bodies a server holds at once. Each tracking request counts its Content-Length (a
 * body without one counts as its route's limit; one declared over that limit is answered 413 and never
 * held) from the moment its headers arrive until its response closes, answered or aborted. A request
 * that would take the total over `maxBytes` is answered 503 with Retry-After before its body is read,
 * unless no other is in flight, so one large body always gets in.
 *
 * The group-commit and backlog checks (Ingestor.checkCapacity) only see what reached the log: when the
 * server's CPU is the limit, requests wait before that, each holding its body and then its parsed
 * messages. With 1,024 senders of 50 KB batches every request was answered 200, after up to 8.9 s (p99),
 * and the bodies held grow with the number of senders, not with anything the server decides.
 */
export function inFlightLimit(maxBytes: number): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  let held = 0;
  return async (request, reply) => {
    const limit = request.routeOptions.bodyLimit ?? maxBytes;
    const declared = Number(request.headers['content-length']);
    // A body declared over the route's limit is refused (413) before it is read: it is never held.
    if (declared > limit) return;
    const bytes = Number.isFinite(declared) && declared >= 0 ? declared : limit;
    if (held > 0 && held + bytes > maxBytes) {
      throw new TesseraError('overloaded', `the server is holding ${Math.round(held / 1024)} KB of tracking requests in progress, at its limit of ${Math.round(maxBytes / 1024)} KB (ingest.maxInFlightBytes): retry after a second`, {
        retryAfterSeconds: 1,
      });
    }
    held += bytes;
    // 'close' follows the response's end and a connection lost before it alike.
    reply.raw.once('close', () => (held -= bytes));
  };
}
