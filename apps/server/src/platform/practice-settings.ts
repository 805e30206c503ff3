import type { AppContext } from '../context.js';
import { type Actor, requirePermission } from './access.js';
import { recordAudit } from './audit.js';
import { type Tx, inPractice } from './tenancy.js';

/**
 * A section of a practice's settings that a module keeps in a table of its own (the waitlist
 * offers, reminders by email, the daily agenda, ...). Everyone in the practice reads it; the owner
 * (practice:manage) replaces it, and a change is audited as a change of the practice under the
 * section's name, with what it was and what it is (the time it was saved left out).
 */
export function practiceSettingsSection<View extends { updatedAt: string | null }, Input>(section: {
  /** The key of the audit event's changes, e.g. `waitlistOffers`. */
  auditName: string;
  read: (tx: Tx, practiceId: string, options: { lock: boolean }) => Promise<View>;
  write: (tx: Tx, input: { practiceId: string; settings: Input; userId: string | null }) => Promise<View>;
}) {
  return {
    get(ctx: AppContext, input: { actor: Actor; practiceId: string }): Promise<View> {
      requirePermission(input.actor, 'practice:read');
      return inPractice(ctx.db, input.practiceId, (tx) => section.read(tx, input.practiceId, { lock: false }));
    },

    save(ctx: AppContext, input: { actor: Actor; practiceId: string; settings: Input }): Promise<View> {
      requirePermission(input.actor, 'practice:manage');
      const { practiceId } = input;
      return inPractice(ctx.db, practiceId, async (tx) => {
        const { updatedAt: _before, ...from } = await section.read(tx, practiceId, { lock: true });
        const after = await section.write(tx, { practiceId, settings: input.settings, userId: input.actor.userId });
        const { updatedAt: _after, ...to } = after;
        if (JSON.stringify(from) !== JSON.stringify(to))
          await recordAudit(tx, {
            practiceId,
            actor: input.actor,
            action: 'practice.updated',
            targetType: 'practice',
            targetId: practiceId,
            changes: { [section.auditName]: { from, to } },
          });
        return after;
      });
    },
  };
}
