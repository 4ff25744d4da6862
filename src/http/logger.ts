import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths whose values must never reach a log line, whatever logs them. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.SAMLResponse',
  '*.access_token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'gatehouse' } }, destination);
}
