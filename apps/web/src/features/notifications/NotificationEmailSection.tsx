import type { NotificationEmailChoice, NotificationEmailChoiceInput } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { useCurrentPractice } from '../shell/AppShell';

const choiceUrl = (practiceId: string) => `/practices/${practiceId}/notifications/email-choice`;
const choiceKey = (practiceId: string) => ['notifications', practiceId, 'email-choice'] as const;

/**
 * My account → Notifications: "Also email me" — my notifications of this practice (WhatsApp
 * bookings, moves and cancellations, waitlist bookings, chats waiting for a person, reminders that
 * could not be delivered) come to my email address too, one email each, without patients' names.
 */
export function NotificationEmailSection() {
  const { membership } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const choice = useQuery({
    queryKey: choiceKey(practiceId),
    queryFn: () => api.get<NotificationEmailChoice>(choiceUrl(practiceId)),
  });
  if (choice.isPending) return <Loading />;
  if (choice.isError) return <ErrorAlert error={choice.error} />;
  return <NotificationEmailForm key={choice.dataUpdatedAt} practiceId={practiceId} choice={choice.data} />;
}

function NotificationEmailForm({ practiceId, choice }: { practiceId: string; choice: NotificationEmailChoice }) {
  const { t } = useTranslation();
  const { me } = useCurrentPractice();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(choice.enabled);
  const save = useMutation({
    mutationFn: (input: NotificationEmailChoiceInput) => api.put<NotificationEmailChoice>(choiceUrl(practiceId), input),
    onSuccess: (saved) => {
      queryClient.setQueryData(choiceKey(practiceId), saved);
      toast(t(saved.enabled ? 'notificationEmails.savedOn' : 'notificationEmails.savedOff'));
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ enabled });
  };
  return (
    <section aria-labelledby="notification-emails-title" className="card">
      <h2 id="notification-emails-title">{t('notificationEmails.title')}</h2>
      <form onSubmit={submit} className="stack" noValidate>
        <p className="muted">{t('notificationEmails.intro')}</p>
        <CheckboxField
          switch
          label={t('notificationEmails.enabled')}
          hint={t('notificationEmails.enabledHint', { email: me.user.email })}
          checked={enabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
        />
        <ErrorAlert error={save.error} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('notificationEmails.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}
