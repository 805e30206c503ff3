import { AppError } from './errors.js';

/**
 * A keyset cursor for lists ordered by a time and an id (newest first and the like): opaque to the
 * client, checked when it comes back. Anything else is refused as 400 cursor_invalid.
 */
export const encodeTimeCursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

export function decodeTimeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (!/^[0-9a-f-]{36}$/.test(id) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(at)) throw new Error();
    return { at, id };
  } catch {
    throw new AppError('validation_failed', {
      errors: [{ path: 'cursor', code: 'cursor_invalid', message: 'Not a cursor from this list' }],
    });
  }
}
