import { z } from 'zod';

export const Uuid = z.uuid();
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }))
  .refine((v) => v.length <= 254, 'Email is too long');
export const Language = z.enum(['en', 'fr']);
export type Language = z.infer<typeof Language>;
export const IsoDateTime = z.string();

/** Passwords: long enough to matter, short enough to hash quickly. */
export const NewPassword = z.string().min(10, 'Use at least 10 characters').max(200, 'Use at most 200 characters');

export const PracticeIdParams = z.object({ practiceId: Uuid });

export function page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
