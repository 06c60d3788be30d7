import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TesseraError, toErrorBody, type ErrorCode } from '../contract/index.js';

/** Fastify's own errors, spoken in our one error shape. */
const fastifyCodes: Record<string, { code: ErrorCode; message: (e: FastifyError, r: FastifyRequest) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'body_too_large',
    message: (_e, r) => {
      const limit = r.routeOptions.bodyLimit ?? 0;
      // Every batch route (/v1/batch, /v1/import, analytics.js's /v1/b, RudderStack's /beacon/v1/batch) has the batch limit.
      const what = /\/(batch|import|b)$/.test(r.routeOptions.url ?? '') ? 'a batch request' : 'a message';
      return `request body is over the limit of ${Math.round(limit / 1024)} KB (${limit} bytes) ${what}`;
    },
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: (_e, r) => `content type ${JSON.stringify(r.headers['content-type'] ?? '')} is not supported: send application/json`,
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: () => 'the body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: () => 'content-length does not match the body' },
  FST_ERR_VALIDATION: { code: 'validation_failed', message: (e) => e.message },
  // zlib's, from inflating a body whose Content-Encoding says gzip or deflate.
  Z_DATA_ERROR: {
    code: 'bad_request',
    message: (e, r) => `the body is not ${String(r.headers['content-encoding'])}-encoded as its Content-Encoding says (${e.message})`,
  },
};

/** Maps anything thrown in a route to the error shape; a stack trace never reaches a client. */
export function handleError(this: unknown, err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  let error: TesseraError;
  if (err instanceof TesseraError) error = err;
  else {
    const known = 'code' in err && typeof err.code === 'string' ? fastifyCodes[err.code] : undefined;
    if (known) error = new TesseraError(known.code, known.message(err as FastifyError, request));
    else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      error = new TesseraError('bad_request', err.message);
    } else {
      request.log.error({ err }, 'unhandled error');
      error = new TesseraError('internal', 'internal error');
    }
  }
  // Ours too when the server is at fault (a disk that refuses the log): the client's message leaves out what the log names.
  if (err === error && error.status >= 500 && error.code !== 'overloaded' && error.code !== 'shutting_down') {
    request.log.error({ code: error.code, cause: error.cause instanceof Error ? error.cause.message : undefined }, error.message);
  }
  const details = error.details as { retryAfterSeconds?: number } | undefined;
  if (details?.retryAfterSeconds) void reply.header('retry-after', String(details.retryAfterSeconds));
  void reply.status(error.status).send(toErrorBody(error));
}
