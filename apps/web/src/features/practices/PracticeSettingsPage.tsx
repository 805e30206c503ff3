import type { Practice, PracticePatch } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { TimeZoneSelect } from '../../components/TimeZoneSelect';
import { useToast } from '../../components/Toast';
import { meKey } from '../auth/auth.api';
import { useOidcConfig, usePracticeIdentityProvider } from '../auth/oidc.api';
import { useCurrentPractice } from '../shell/AppShell';
import { PracticeExportSection } from './PracticeExportSection';
import { PracticeProviderSection } from './PracticeProviderSection';
import { practiceKey, usePractice } from './practices.api';

export function PracticeSettingsPage() {
  const { membership, can } = useCurrentPractice();
  const practice = usePractice(membership.practiceId);
  if (practice.isPending) return <Loading />;
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  // Keyed by the loaded record so the form starts again from the server's values after a save elsewhere.
  return (
    <>
      <PracticeForm
        key={`${practice.data.id}-${practice.dataUpdatedAt}`}
        practice={practice.data}
        editable={can('practice:manage')}
      />
      {can('practice:manage') && <PracticeProviderSection practiceId={practice.data.id} />}
      {can('privacy:manage') && <PracticeExportSection practiceId={practice.data.id} />}
    </>
  );
}

function PracticeForm({ practice, editable }: { practice: Practice; editable: boolean }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const oidc = useOidcConfig();
  // The practice's own provider, if any: "provider only" then means it.
  const own = usePracticeIdentityProvider(practice.id, editable).data?.provider;
  const providerName = own?.displayName ?? (oidc.data?.enabled ? (oidc.data.displayName ?? '') : null);
  const save = useMutation({
    mutationFn: (patch: PracticePatch) => api.patch<Practice>(`/practices/${practice.id}`, patch),
    onSuccess: async (saved) => {
      toast(t('practice.saved'));
      await queryClient.invalidateQueries({ queryKey: meKey });
      if (saved && typeof saved === 'object' && 'id' in saved)
        queryClient.setQueryData(practiceKey(practice.id), saved);
      else await queryClient.invalidateQueries({ queryKey: practiceKey(practice.id) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    save.mutate({
      name: text('name'),
      address: text('address'),
      phone: text('phone'),
      email: text('email'),
      timeZone: text('timeZone'),
      defaultLanguage: text('defaultLanguage') === 'fr' ? 'fr' : 'en',
      receptionistsSeeAlertDetails: form.get('receptionistsSeeAlertDetails') === 'on',
      twoStepRequiredForPasswords: form.get('twoStepRequiredForPasswords') === 'on',
      // Shown only with a provider; without one it stays as it is.
      ...(providerName !== null ? { passwordSignInAllowed: form.get('passwordSignInOff') !== 'on' } : {}),
    });
  };
  const err = save.error;
  return (
    <section aria-labelledby="practice-title">
      <h2 id="practice-title">{t('practice.title')}</h2>
      {!editable && <Alert tone="info">{t('practice.readOnly')}</Alert>}
      <form onSubmit={submit} className="card stack form-card">
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('practice.title')}</legend>
          <TextField
            label={t('practice.name')}
            name="name"
            defaultValue={practice.name}
            required
            minLength={2}
            maxLength={120}
            error={fieldError(err, 'name')}
          />
          <TextAreaField
            label={t('practice.address')}
            name="address"
            defaultValue={practice.address}
            maxLength={300}
            error={fieldError(err, 'address')}
          />
          <div className="grid-2">
            <TextField
              label={t('practice.phone')}
              name="phone"
              type="tel"
              defaultValue={practice.phone}
              maxLength={40}
              error={fieldError(err, 'phone')}
            />
            <TextField
              label={t('practice.email')}
              name="email"
              type="email"
              defaultValue={practice.email}
              error={fieldError(err, 'email')}
            />
          </div>
          <div className="grid-2">
            <TimeZoneSelect
              label={t('practice.timeZone')}
              name="timeZone"
              defaultValue={practice.timeZone}
              error={fieldError(err, 'timeZone')}
            />
            <SelectField
              label={t('practice.defaultLanguage')}
              name="defaultLanguage"
              defaultValue={practice.defaultLanguage}
            >
              <option value="en">English</option>
              <option value="fr">Français</option>
            </SelectField>
          </div>
          <TextField
            label={t('practice.currency')}
            name="currency"
            value={practice.currency}
            readOnly
            hint={t('practice.currencyHint')}
            className="narrow-field"
          />
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                name="receptionistsSeeAlertDetails"
                defaultChecked={practice.receptionistsSeeAlertDetails}
                aria-describedby="receptionists-alerts-hint"
              />
              {t('practice.receptionistsSeeAlertDetails')}
            </label>
            <p className="field-hint" id="receptionists-alerts-hint">
              {t('practice.receptionistsSeeAlertDetailsHint')}
            </p>
          </div>
          <fieldset className="plain stack">
            <legend>{t('practice.signIn.title')}</legend>
            <div className="field">
              <label className="checkbox">
                <input
                  type="checkbox"
                  name="twoStepRequiredForPasswords"
                  defaultChecked={practice.twoStepRequiredForPasswords}
                  aria-describedby="two-step-required-hint"
                />
                {t('practice.signIn.twoStepRequired')}
              </label>
              <p className="field-hint" id="two-step-required-hint">
                {t('practice.signIn.twoStepRequiredHint')}
              </p>
            </div>
            {providerName !== null && (
              <div className="field">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    name="passwordSignInOff"
                    defaultChecked={!practice.passwordSignInAllowed}
                    aria-describedby="password-off-hint"
                    aria-invalid={fieldError(err, 'passwordSignInAllowed') ? true : undefined}
                  />
                  {t('practice.signIn.passwordOff', { provider: providerName })}
                </label>
                <p className="field-hint" id="password-off-hint">
                  {t('practice.signIn.passwordOffHint', { provider: providerName })}
                </p>
                {fieldError(err, 'passwordSignInAllowed') && (
                  <p className="field-error" role="alert">
                    {t('practice.signIn.passwordOffRefused')}
                  </p>
                )}
              </div>
            )}
          </fieldset>
        </fieldset>
        <ErrorAlert error={err} />
        {editable && (
          <div className="actions">
            <Button type="submit" variant="primary" busy={save.isPending}>
              {t('common.save')}
            </Button>
          </div>
        )}
      </form>
    </section>
  );
}
