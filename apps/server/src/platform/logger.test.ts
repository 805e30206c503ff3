import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino(loggerOptions('info'), stream), lines };
}

describe('logger', () => {
  it('redacts names, phones, message text and secrets wherever they appear', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        patient: { name: 'Hélène Ramgoolam', phone: '+23057123456', dateOfBirth: '2010-03-14' },
        message: { text: 'my tooth hurts' },
        password: 'hunter22',
      },
      'x',
    );
    const line = lines.join('');
    for (const secret of ['Hélène', '57123456', '2010-03-14', 'tooth hurts', 'hunter22'])
      expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });

  it('logs the request path without its query string', () => {
    const { logger, lines } = capture();
    logger.info({ req: { method: 'GET', url: '/api/v1/practices/x/patients?q=ramgoolam' } }, 'incoming');
    expect(lines.join('')).toContain('"/api/v1/practices/x/patients"');
    expect(lines.join('')).not.toContain('ramgoolam');
  });
});
