import type { FastifyRequest } from 'fastify';
import { TesseraError } from '../contract/index.js';
import type { ApiKey, ApiKeyVerifier } from '../privacy/index.js';

/** Route config of a tracking route whose sender can only put the write key in the query string (`?writeKey=`). */
export interface WriteKeyInQuery {
  writeKeyInQuery?: boolean;
}

/**
 * The write key of a tracking request: HTTP Basic user name, or `writeKey` in the body (Segment's two ways), or,
 * on a route configured for it, `?writeKey=` (RudderStack's beacons: `navigator.sendBeacon` sets no header).
 */
export function writeKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    if (user) return user;
  }
  const body = request.body;
  if (body && typeof body === 'object' && 'writeKey' in body && typeof body.writeKey === 'string') return body.writeKey;
  if ((request.routeOptions.config as WriteKeyInQuery).writeKeyInQuery) {
    const query = request.query as { writeKey?: unknown };
    if (typeof query.writeKey === 'string' && query.writeKey) return query.writeKey;
  }
  return undefined;
}

/** Checks a write key, answering 401 for a missing or unknown one. */
export async function requireWriteKey(verifier: ApiKeyVerifier, request: FastifyRequest): Promise<ApiKey> {
  const key = writeKeyOf(request);
  if (!key) throw new TesseraError('unauthorized', 'missing write key: send it as the HTTP Basic user name or as writeKey in the body');
  const found = await verifier.verify(key, 'write');
  if (!found) throw new TesseraError('unauthorized', 'unknown write key');
  return found;
}

/** Checks the Bearer read token of the read API. */
export async function requireReadToken(verifier: ApiKeyVerifier, request: FastifyRequest, localToken?: string): Promise<void> {
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (!token) throw new TesseraError('unauthorized', 'missing read token: send Authorization: Bearer <token from tessera keys create --kind read>');
  if (localToken && token === localToken) return;
  const found = await verifier.verify(token, 'read');
  if (!found) throw new TesseraError('unauthorized', 'unknown read token');
}
