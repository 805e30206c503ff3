import type { RecallSettings, RecallSettingsInput } from '@dentalpro/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../components/errors';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { SettingsSection, WhenLoaded, useSaveSettings } from '../../components/SettingsSection';
import { recallKeys, recallSettingsApi, useRecallSettings } from './recall-messages.api';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/**
 * Settings → Reminders → Recall messages: whether patients due for a recall get a WhatsApp message,
 * at what hour, how many days ahead of the due date, and at most how many a day. Its own form and
 * Save, beside the reminders' rules. The server's refusals (422) are shown beside their fields.
 */
export function RecallSettingsSection({ practiceId, editable }: { practiceId: string; editable: boolean }) {
  const settings = useRecallSettings(practiceId);
  return (
    <WhenLoaded query={settings}>
      {(saved) => <RecallSettingsForm practiceId={practiceId} settings={saved} editable={editable} />}
    </WhenLoaded>
  );
}

function RecallSettingsForm({
  practiceId,
  settings,
  editable,
}: {
  practiceId: string;
  settings: RecallSettings;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [dailyCap, setDailyCap] = useState(String(settings.dailyCap));
  const [sendHour, setSendHour] = useState(String(settings.sendHour));
  const [leadDays, setLeadDays] = useState(String(settings.leadDays));
  const save = useSaveSettings({
    queryKey: recallKeys.settings(practiceId),
    save: (input: RecallSettingsInput) => recallSettingsApi.save(practiceId, input),
    savedText: t('recallMessages.saved'),
  });
  return (
    <SettingsSection
      id="recall-messages"
      title={t('recallMessages.title')}
      intro={t('recallMessages.intro')}
      editable={editable}
      saveLabel={t('recallMessages.save')}
      save={save}
      onSave={() =>
        save.mutate({ enabled, dailyCap: Number(dailyCap), sendHour: Number(sendHour), leadDays: Number(leadDays) })
      }
    >
      <CheckboxField
        switch
        label={t('recallMessages.enabled')}
        hint={t('recallMessages.enabledHint')}
        checked={enabled}
        onChange={(event) => setEnabled(event.currentTarget.checked)}
      />
      <div className="grid-2 tight">
        <TextField
          label={t('recallMessages.dailyCap')}
          hint={t('recallMessages.dailyCapHint')}
          type="number"
          inputMode="numeric"
          min={0}
          max={1000}
          step={1}
          required
          value={dailyCap}
          onChange={(event) => setDailyCap(event.currentTarget.value)}
          error={fieldError(save.error, 'dailyCap')}
        />
        <SelectField
          label={t('recallMessages.sendHour')}
          hint={t('recallMessages.sendHourHint')}
          value={sendHour}
          onChange={(event) => setSendHour(event.currentTarget.value)}
          error={fieldError(save.error, 'sendHour')}
        >
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {`${String(h).padStart(2, '0')}:00`}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('recallMessages.leadDays')}
          hint={t('recallMessages.leadDaysHint')}
          type="number"
          inputMode="numeric"
          min={0}
          max={60}
          step={1}
          required
          value={leadDays}
          onChange={(event) => setLeadDays(event.currentTarget.value)}
          error={fieldError(save.error, 'leadDays')}
        />
      </div>
    </SettingsSection>
  );
}
