import { createRequire } from 'node:module';
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

/**
 * JSON lines, as a log collector wants them; in a terminal (stdout a TTY, LOG_FORMAT not `json`)
 * one readable line per event through pino-pretty when it is installed (a development
 * dependency: a production install without it logs JSON). Redaction applies either way.
 */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY && process.env.LOG_FORMAT !== 'json' && prettyAvailable())
    return pino(
      loggerOptions(level),
      pino.transport({
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
      }),
    );
  return pino(loggerOptions(level));
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
export type { Logger };
