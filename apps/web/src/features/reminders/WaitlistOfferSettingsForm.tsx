import type { WaitlistOfferSettings, WaitlistOfferSettingsInput } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { fieldError } from '../../components/errors';
import { CheckboxField, TextField } from '../../components/Field';
import { SettingsSection, WhenLoaded, useSaveSettings } from '../../components/SettingsSection';

const settingsUrl = (practiceId: string) => `/practices/${practiceId}/reminders/waitlist-offer-settings`;
const settingsKey = (practiceId: string) => ['reminders', practiceId, 'waitlist-offer-settings'] as const;

/**
 * Settings → Reminders → Waitlist offers: whether a cancelled visit's time is offered on WhatsApp
 * to the patients waiting for that kind of visit, to how many at a time, and how long each offer
 * stays open before the next patients are offered it. Its own form and Save; the server's
 * refusals (422) are shown beside their fields.
 */
export function WaitlistOfferSettingsSection({ practiceId, editable }: { practiceId: string; editable: boolean }) {
  const settings = useQuery({
    queryKey: settingsKey(practiceId),
    queryFn: () => api.get<WaitlistOfferSettings>(settingsUrl(practiceId)),
  });
  return (
    <WhenLoaded query={settings}>
      {(saved) => <WaitlistOfferSettingsForm practiceId={practiceId} settings={saved} editable={editable} />}
    </WhenLoaded>
  );
}

function WaitlistOfferSettingsForm({
  practiceId,
  settings,
  editable,
}: {
  practiceId: string;
  settings: WaitlistOfferSettings;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [batchSize, setBatchSize] = useState(String(settings.batchSize));
  const [offerMinutes, setOfferMinutes] = useState(String(settings.offerMinutes));
  const save = useSaveSettings({
    queryKey: settingsKey(practiceId),
    save: (input: WaitlistOfferSettingsInput) => api.put<WaitlistOfferSettings>(settingsUrl(practiceId), input),
    savedText: t('waitlistOffers.saved'),
  });
  return (
    <SettingsSection
      id="waitlist-offers"
      title={t('waitlistOffers.title')}
      intro={t('waitlistOffers.intro')}
      editable={editable}
      saveLabel={t('waitlistOffers.save')}
      save={save}
      onSave={() => save.mutate({ enabled, batchSize: Number(batchSize), offerMinutes: Number(offerMinutes) })}
    >
      <CheckboxField
        switch
        label={t('waitlistOffers.enabled')}
        hint={t('waitlistOffers.enabledHint')}
        checked={enabled}
        onChange={(event) => setEnabled(event.currentTarget.checked)}
      />
      <div className="grid-2 tight">
        <TextField
          label={t('waitlistOffers.batchSize')}
          hint={t('waitlistOffers.batchSizeHint')}
          type="number"
          inputMode="numeric"
          min={1}
          max={10}
          step={1}
          required
          value={batchSize}
          onChange={(event) => setBatchSize(event.currentTarget.value)}
          error={fieldError(save.error, 'batchSize')}
        />
        <TextField
          label={t('waitlistOffers.offerMinutes')}
          hint={t('waitlistOffers.offerMinutesHint')}
          type="number"
          inputMode="numeric"
          min={5}
          max={240}
          step={1}
          required
          value={offerMinutes}
          onChange={(event) => setOfferMinutes(event.currentTarget.value)}
          error={fieldError(save.error, 'offerMinutes')}
        />
      </div>
    </SettingsSection>
  );
}
