import type { ReminderEmailSettings, ReminderEmailSettingsInput } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { CheckboxField } from '../../components/Field';
import { SettingsSection, WhenLoaded, useSaveSettings } from '../../components/SettingsSection';

const settingsUrl = (practiceId: string) => `/practices/${practiceId}/reminders/email-settings`;
const settingsKey = (practiceId: string) => ['reminders', practiceId, 'email-settings'] as const;

/**
 * Settings → Reminders → By email: whether a reminder the patient cannot get on WhatsApp (no
 * WhatsApp number, or WhatsApp said the number is not on it) goes by email instead. Its own form
 * and Save; owners change it, everyone else reads it.
 */
export function ReminderEmailSettingsSection({ practiceId, editable }: { practiceId: string; editable: boolean }) {
  const settings = useQuery({
    queryKey: settingsKey(practiceId),
    queryFn: () => api.get<ReminderEmailSettings>(settingsUrl(practiceId)),
  });
  return (
    <WhenLoaded query={settings}>
      {(saved) => <ReminderEmailSettingsForm practiceId={practiceId} settings={saved} editable={editable} />}
    </WhenLoaded>
  );
}

function ReminderEmailSettingsForm({
  practiceId,
  settings,
  editable,
}: {
  practiceId: string;
  settings: ReminderEmailSettings;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(settings.enabled);
  const save = useSaveSettings({
    queryKey: settingsKey(practiceId),
    save: (input: ReminderEmailSettingsInput) => api.put<ReminderEmailSettings>(settingsUrl(practiceId), input),
    savedText: t('reminderEmails.saved'),
  });
  return (
    <SettingsSection
      id="reminder-emails"
      title={t('reminderEmails.title')}
      intro={t('reminderEmails.intro')}
      editable={editable}
      saveLabel={t('reminderEmails.save')}
      save={save}
      onSave={() => save.mutate({ enabled })}
    >
      <CheckboxField
        switch
        label={t('reminderEmails.enabled')}
        hint={t('reminderEmails.enabledHint')}
        checked={enabled}
        onChange={(event) => setEnabled(event.currentTarget.checked)}
      />
    </SettingsSection>
  );
}
