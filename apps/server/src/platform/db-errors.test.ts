import { describe, expect, it } from 'vitest';
import { appErrorOfDbError, constraintOf, mapDbErrors, sqlStateOf } from './db-errors.js';
import { AppError } from './errors.js';

/** An error shaped as pg reports a refused statement. */
const refused = (code: string, constraint?: string) =>
  Object.assign(new Error(`refused ${code}`), { code, ...(constraint ? { constraint } : {}) });

describe('database refusals', () => {
  it('reads the SQLSTATE and the constraint of a database error, and nothing else', () => {
    expect(sqlStateOf(refused('23505'))).toBe('23505');
    expect(sqlStateOf(refused('23P01'))).toBe('23P01');
    expect(sqlStateOf(Object.assign(new Error('fs'), { code: 'ENOENT' }))).toBeUndefined();
    expect(sqlStateOf(Object.assign(new Error('graph'), { code: 190 }))).toBeUndefined();
    expect(sqlStateOf(null)).toBeUndefined();
    expect(sqlStateOf('23505')).toBeUndefined();
    expect(constraintOf(refused('23P01', 'appointments_chair_excl'))).toBe('appointments_chair_excl');
    expect(constraintOf(refused('23P01'))).toBeUndefined();
  });

  it('answers each refusal by default: 23P01 slot_taken, 23505 duplicate_name, 23503 not_found', () => {
    const answer = (code: string) => {
      const e = appErrorOfDbError(refused(code));
      return e && { code: e.code, status: e.status };
    };
    expect(answer('23P01')).toEqual({ code: 'slot_taken', status: 409 });
    expect(answer('23505')).toEqual({ code: 'duplicate_name', status: 409 });
    expect(answer('23503')).toEqual({ code: 'not_found', status: 404 });
    // A check or not-null violation is a bug of ours, not something to explain to the user.
    expect(answer('23514')).toBeUndefined();
    expect(answer('23502')).toBeUndefined();
    expect(answer('40001')).toBeUndefined();
    expect(appErrorOfDbError(new Error('not from the database'))).toBeUndefined();
  });

  it("prefers the caller's answer for a refusal it names", () => {
    const map = {
      '23505': () => new AppError('email_taken'),
      '23P01': () => new AppError('schedule_overlap'),
      '23503': () => new AppError('chair_not_found'),
    };
    expect(appErrorOfDbError(refused('23505'), map)?.code).toBe('email_taken');
    expect(appErrorOfDbError(refused('23P01'), map)?.code).toBe('schedule_overlap');
    expect(appErrorOfDbError(refused('23503'), map)?.code).toBe('chair_not_found');
  });

  it('mapDbErrors passes results through, maps refusals and rethrows anything else as it came', async () => {
    await expect(mapDbErrors(async () => 42)).resolves.toBe(42);
    await expect(
      mapDbErrors(
        async () => {
          throw refused('23505');
        },
        { '23505': () => new AppError('email_taken') },
      ),
    ).rejects.toMatchObject({ code: 'email_taken', status: 409 });
    await expect(
      mapDbErrors(async () => {
        throw refused('23P01');
      }),
    ).rejects.toMatchObject({ code: 'slot_taken' });
    const other = new Error('connection lost');
    await expect(
      mapDbErrors(async () => {
        throw other;
      }),
    ).rejects.toBe(other);
    const check = refused('23514');
    await expect(
      mapDbErrors(async () => {
        throw check;
      }),
    ).rejects.toBe(check);
  });
});
