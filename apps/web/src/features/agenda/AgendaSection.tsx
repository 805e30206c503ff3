import type { AgendaSubscription, AgendaSubscriptionInput } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { useCurrentPractice } from '../shell/AppShell';
import { agendaSubscriptionKey, agendaSubscriptionUrl } from './agenda.api';

/**
 * My account → Daily agenda (providers only): each morning the practice sends a summary of my day
 * in the app; here I give my WhatsApp number and opt in to get it there too, in my language.
 */
export function AgendaSection() {
  const { membership } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const subscription = useQuery({
    queryKey: agendaSubscriptionKey(practiceId),
    queryFn: () => api.get<AgendaSubscription>(agendaSubscriptionUrl(practiceId)),
  });
  if (!subscription.data?.provider) return null;
  return <AgendaForm key={subscription.dataUpdatedAt} practiceId={practiceId} subscription={subscription.data} />;
}

function AgendaForm({ practiceId, subscription }: { practiceId: string; subscription: AgendaSubscription }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [number, setNumber] = useState(subscription.whatsappNumber ?? '');
  const [optIn, setOptIn] = useState(subscription.whatsappOptIn);
  const [language, setLanguage] = useState(subscription.language);
  const save = useMutation({
    mutationFn: (input: AgendaSubscriptionInput) =>
      api.put<AgendaSubscription>(agendaSubscriptionUrl(practiceId), input),
    onSuccess: (saved) => {
      queryClient.setQueryData(agendaSubscriptionKey(practiceId), saved);
      toast(t(saved.whatsappOptIn ? 'agenda.account.savedOn' : 'agenda.account.savedOff'));
    },
  });
  const err = save.error;
  useEffect(() => {
    if (err) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [err]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ whatsappNumber: number.trim(), whatsappOptIn: optIn, language });
  };
  return (
    <section aria-labelledby="agenda-title" className="card">
      <h2 id="agenda-title">{t('agenda.account.title')}</h2>
      <form ref={formRef} onSubmit={submit} className="stack" noValidate>
        <p>
          {subscription.practiceSends
            ? t('agenda.account.intro', { time: subscription.sendTime })
            : t('agenda.account.practiceOff')}
        </p>
        {!subscription.practiceHasWhatsApp && <Alert tone="info">{t('agenda.account.noWhatsApp')}</Alert>}
        <div className="grid-2">
          <TextField
            label={t('agenda.account.number')}
            hint={t('agenda.account.numberHint')}
            name="whatsappNumber"
            type="tel"
            autoComplete="tel"
            maxLength={40}
            value={number}
            onChange={(event) => setNumber(event.currentTarget.value)}
            error={fieldError(err, 'whatsappNumber')}
          />
          <SelectField
            label={t('agenda.account.language')}
            name="agendaLanguage"
            value={language}
            onChange={(event) => setLanguage(event.currentTarget.value === 'fr' ? 'fr' : 'en')}
          >
            <option value="en">English</option>
            <option value="fr">Français</option>
          </SelectField>
        </div>
        <CheckboxField
          switch
          label={t('agenda.account.optIn')}
          hint={t('agenda.account.optInHint')}
          checked={optIn}
          onChange={(event) => setOptIn(event.currentTarget.checked)}
        />
        <ErrorAlert error={err} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('agenda.account.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}
