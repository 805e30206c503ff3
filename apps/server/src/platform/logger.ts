import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may carry personal or clinical data anywhere in a log line. Redaction is by
 * configuration so that no one has to remember it at each call site.
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  'token',
  '*.token',
  'name',
  '*.name',
  'givenName',
  '*.givenName',
  'familyName',
  '*.familyName',
  'phone',
  '*.phone',
  'dateOfBirth',
  '*.dateOfBirth',
  'text',
  '*.text',
  '*.body',
  '*.caption',
  '*.note',
  '*.notes',
  '*.address',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // Query strings can hold a patient search; log the path only.
      req: (req: { method: string; url: string; id?: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}
export type { Logger };
