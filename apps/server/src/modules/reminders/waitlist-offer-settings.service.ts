import type { WaitlistOfferSettings, WaitlistOfferSettingsInput } from '@dentalpro/contracts';
import { practiceSettingsSection } from '../../platform/practice-settings.js';
import { type OfferSettingsRow, selectOfferSettings, upsertOfferSettings } from './waitlist-offers.repository.js';

/**
 * Settings → Reminders → Waitlist offers: on or off, how many patients are offered a freed time at
 * once, and how long each offer stays open. Everyone in the practice reads them; changing them is
 * the owner's (practice:manage), audited as a change of the practice. The next round of each freed
 * time uses them (offers already made keep their time).
 */

const toSettings = (row: OfferSettingsRow): WaitlistOfferSettings => ({
  enabled: row.enabled,
  batchSize: row.batchSize,
  offerMinutes: row.offerMinutes,
  updatedAt: row.updatedAt?.toISOString() ?? null,
});

/** Replaces the settings (their ranges are the contract's: 1–10 at a time, 5–240 minutes), audited when they change. */
const section = practiceSettingsSection<WaitlistOfferSettings, WaitlistOfferSettingsInput>({
  auditName: 'waitlistOffers',
  read: async (tx, practiceId, options) => toSettings(await selectOfferSettings(tx, practiceId, options)),
  write: async (tx, input) => toSettings(await upsertOfferSettings(tx, input)),
});

export const getWaitlistOfferSettings = section.get;
export const saveWaitlistOfferSettings = section.save;
