import { z } from 'zod';
import { Email, NewPassword } from './common.js';
import { PracticeInput } from './practices.js';

export const SetupStatus = z.object({ needsSetup: z.boolean(), embeddedDatabase: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatus>;
export const SetupInput = z.strictObject({
  practice: PracticeInput,
  owner: z.strictObject({ name: z.string().trim().min(1).max(120), email: Email, password: NewPassword }),
});
export type SetupInput = z.input<typeof SetupInput>;
