import type { AgendaSettings, AgendaSettingsInput } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { fieldError } from '../../components/errors';
import { CheckboxField, TextField } from '../../components/Field';
import { SettingsSection, WhenLoaded, useSaveSettings } from '../../components/SettingsSection';
import { agendaSettingsKey, agendaSettingsUrl } from './agenda.api';

/**
 * Settings → Reminders → Daily agenda: whether each dentist gets a summary of their day every
 * morning (in the app; on WhatsApp too for those who opted in on their account page), and at what
 * time, practice time. Its own form and Save; others read it disabled.
 */
export function AgendaSettingsSection({ practiceId, editable }: { practiceId: string; editable: boolean }) {
  const settings = useQuery({
    queryKey: agendaSettingsKey(practiceId),
    queryFn: () => api.get<AgendaSettings>(agendaSettingsUrl(practiceId)),
  });
  return (
    <WhenLoaded query={settings}>
      {(saved) => <AgendaSettingsForm practiceId={practiceId} settings={saved} editable={editable} />}
    </WhenLoaded>
  );
}

function AgendaSettingsForm({
  practiceId,
  settings,
  editable,
}: {
  practiceId: string;
  settings: AgendaSettings;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [sendTime, setSendTime] = useState(settings.sendTime);
  const save = useSaveSettings({
    queryKey: agendaSettingsKey(practiceId),
    save: (input: AgendaSettingsInput) => api.put<AgendaSettings>(agendaSettingsUrl(practiceId), input),
    savedText: t('agenda.settings.saved'),
  });
  return (
    <SettingsSection
      id="daily-agenda"
      title={t('agenda.settings.title')}
      intro={t('agenda.settings.intro')}
      editable={editable}
      saveLabel={t('agenda.settings.save')}
      save={save}
      onSave={() => save.mutate({ enabled, sendTime: sendTime.slice(0, 5) })}
    >
      <CheckboxField
        switch
        label={t('agenda.settings.enabled')}
        hint={t('agenda.settings.enabledHint')}
        checked={enabled}
        onChange={(event) => setEnabled(event.currentTarget.checked)}
      />
      <TextField
        label={t('agenda.settings.sendTime')}
        hint={t('agenda.settings.sendTimeHint')}
        type="time"
        step={300}
        required
        className="narrow-field"
        value={sendTime}
        onChange={(event) => setSendTime(event.currentTarget.value)}
        error={fieldError(save.error, 'sendTime')}
      />
    </SettingsSection>
  );
}
