import type { Me, SetupInput } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PublicLayout } from '../../components/PublicLayout';
import { TimeZoneSelect } from '../../components/TimeZoneSelect';
import { homeFor, meKey } from '../auth/auth.api';
import { setupKey, useSetupStatus } from './setup.api';

export function SetupPage() {
  const { t, i18n } = useTranslation();
  const status = useSetupStatus();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const setup = useMutation({
    mutationFn: (input: SetupInput) => api.post<Me>('/setup', input),
    onSuccess: (me) => {
      queryClient.setQueryData(meKey, me);
      queryClient.setQueryData(setupKey, {
        needsSetup: false,
        embeddedDatabase: status.data?.embeddedDatabase ?? false,
      });
      navigate(homeFor(me), { replace: true });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setup.mutate({
      practice: {
        name: text('practiceName'),
        address: text('address'),
        phone: text('phone'),
        email: text('practiceEmail'),
        timeZone: text('timeZone'),
        defaultLanguage: text('defaultLanguage') === 'fr' ? 'fr' : 'en',
      },
      owner: { name: text('ownerName'), email: text('ownerEmail'), password: String(form.get('password') ?? '') },
    });
  };

  if (status.isPending) {
    return (
      <PublicLayout narrow>
        <Loading />
      </PublicLayout>
    );
  }
  if (status.isError) {
    return (
      <PublicLayout narrow>
        <h1>{t('setup.title')}</h1>
        <ErrorAlert error={status.error} />
      </PublicLayout>
    );
  }
  if (!status.data.needsSetup) {
    return (
      <PublicLayout narrow>
        <div className="card stack">
          <h1>{t('setup.doneTitle')}</h1>
          <p>{t('setup.doneText')}</p>
          <p>
            <Link to="/login" className="button button-primary">
              {t('nav.login')}
            </Link>
          </p>
        </div>
      </PublicLayout>
    );
  }

  const err = setup.error;
  return (
    <PublicLayout narrow>
      <h1>{t('setup.title')}</h1>
      <p className="lead">{t('setup.lead')}</p>
      {status.data.embeddedDatabase && (
        <Alert tone="warning" title={t('setup.embeddedTitle')}>
          {t('setup.embeddedText')}
        </Alert>
      )}
      <form onSubmit={submit} className="stack">
        <fieldset className="card">
          <legend>{t('setup.practiceSection')}</legend>
          <TextField
            label={t('practice.name')}
            name="practiceName"
            required
            minLength={2}
            maxLength={120}
            autoComplete="organization"
            error={fieldError(err, 'practice.name')}
          />
          <TextAreaField
            label={t('practice.address')}
            name="address"
            maxLength={300}
            autoComplete="street-address"
            error={fieldError(err, 'practice.address')}
          />
          <div className="grid-2">
            <TextField
              label={t('practice.phone')}
              name="phone"
              type="tel"
              maxLength={40}
              autoComplete="tel"
              error={fieldError(err, 'practice.phone')}
            />
            <TextField
              label={t('practice.email')}
              name="practiceEmail"
              type="email"
              autoComplete="email"
              error={fieldError(err, 'practice.email')}
            />
          </div>
          <div className="grid-2">
            <TimeZoneSelect
              label={t('practice.timeZone')}
              name="timeZone"
              defaultValue="Indian/Mauritius"
              error={fieldError(err, 'practice.timeZone')}
            />
            <SelectField
              label={t('practice.defaultLanguage')}
              name="defaultLanguage"
              defaultValue={i18n.resolvedLanguage === 'fr' ? 'fr' : 'en'}
            >
              <option value="en">English</option>
              <option value="fr">Français</option>
            </SelectField>
          </div>
        </fieldset>
        <fieldset className="card">
          <legend>{t('setup.ownerSection')}</legend>
          <p className="muted">{t('setup.ownerHint')}</p>
          <TextField
            label={t('setup.ownerName')}
            name="ownerName"
            required
            maxLength={120}
            autoComplete="name"
            error={fieldError(err, 'owner.name')}
          />
          <TextField
            label={t('setup.ownerEmail')}
            name="ownerEmail"
            type="email"
            required
            autoComplete="username"
            error={fieldError(err, 'owner.email')}
          />
          <TextField
            label={t('common.password')}
            name="password"
            type="password"
            required
            minLength={10}
            maxLength={200}
            autoComplete="new-password"
            hint={t('common.passwordHint')}
            error={fieldError(err, 'owner.password')}
          />
        </fieldset>
        <ErrorAlert error={err} />
        <div className="actions">
          <Button type="submit" variant="primary" busy={setup.isPending} className="button-large">
            {t('setup.submit')}
          </Button>
        </div>
      </form>
    </PublicLayout>
  );
}
