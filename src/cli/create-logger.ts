import { pino, type Logger } from 'pino';

/** One pino logger per process, to stderr (stdout is for data), with secrets redacted. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.writeKey', 'writeKey'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
