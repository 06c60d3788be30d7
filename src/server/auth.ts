import type { FastifyRequest } from 'fastify';
import { TesseraError } from '../contract/index.js';
import type { ApiKey, ApiKeyVerifier } from '../privacy/index.js';

/** Route config of a tracking route whose sender can only put the write key in the query string (`?writeKey=`). */
export interface WriteKeyInQuery {
  writeKeyInQuery?: boolean;
}

/** The credentials of an Authorization header of `scheme` (lower case): schemes match in any case (RFC 9110, 11.1). */
function credentialsOf(request: FastifyRequest, scheme: string): string | undefined {
  const header = request.headers.authorization?.trim();
  const match = header ? /^(\S+) +(.+)$/.exec(header) : null;
  if (!match || match[1]?.toLowerCase() !== scheme) return undefined;
  return match[2]?.trim() || undefined;
}

/**
 * A key as sent, without the white space around it: keys hold none, and one read from a file or an environment
 * variable often ends in a line break, which would make it a different, unknown key.
 */
const trimmedKey = (key: string): string | undefined => key.trim() || undefined;

/** The write key of an HTTP Basic header (its user name), if the request has one. */
export function basicWriteKey(request: FastifyRequest): string | undefined {
  const credentials = credentialsOf(request, 'basic');
  if (!credentials) return undefined;
  return trimmedKey(Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] ?? '');
}

/**
 * The write key of a tracking request: HTTP Basic user name, or `writeKey` in the (parsed) body (Segment's two ways),
 * or, on a route configured for it, `?writeKey=` (RudderStack's beacons: `navigator.sendBeacon` sets no header).
 */
export function writeKeyOf(request: FastifyRequest): string | undefined {
  const basic = basicWriteKey(request);
  if (basic) return basic;
  const body = request.body;
  if (body && typeof body === 'object' && 'writeKey' in body && typeof body.writeKey === 'string') return trimmedKey(body.writeKey);
  if ((request.routeOptions.config as WriteKeyInQuery).writeKeyInQuery) {
    const query = request.query as { writeKey?: unknown };
    if (typeof query.writeKey === 'string') return trimmedKey(query.writeKey);
  }
  return undefined;
}

/** Checks a write key, answering 401 for a missing or unknown one. */
export async function verifyWriteKey(verifier: ApiKeyVerifier, key: string | undefined): Promise<ApiKey> {
  if (!key) throw new TesseraError('unauthorized', 'missing write key: send it as the HTTP Basic user name or as writeKey in the body');
  const found = await verifier.verify(key, 'write');
  if (!found) throw new TesseraError('unauthorized', 'unknown write key');
  return found;
}

/** Checks the write key of a tracking request (see writeKeyOf), answering 401 for a missing or unknown one. */
export function requireWriteKey(verifier: ApiKeyVerifier, request: FastifyRequest): Promise<ApiKey> {
  return verifyWriteKey(verifier, writeKeyOf(request));
}

/** Checks the Bearer read token of the read API. */
export async function requireReadToken(verifier: ApiKeyVerifier, request: FastifyRequest, localToken?: string): Promise<void> {
  const token = credentialsOf(request, 'bearer');
  if (!token) throw new TesseraError('unauthorized', 'missing read token: send Authorization: Bearer <token from tessera keys create --kind read>');
  if (localToken && token === localToken) return;
  const found = await verifier.verify(token, 'read');
  if (!found) throw new TesseraError('unauthorized', 'unknown read token');
}
