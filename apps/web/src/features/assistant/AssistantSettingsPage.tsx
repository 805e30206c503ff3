import type {
  AppointmentType,
  AssistantSettings,
  AssistantSettingsPatch,
  UnderstandResult,
} from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { CheckboxField, TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { useMoney, useProcedureName } from '../clinical/clinical.api';
import { usePractice } from '../practices/practices.api';
import { refreshScheduling, useAppointmentTypes, useTypeName } from '../scheduling/scheduling.api';
import { useCurrentPractice } from '../shell/AppShell';
import { assistantApi, assistantKeys, useAssistantSettings, useActivePriceList } from './assistant.api';
import { formatWhen } from './when-format';

/**
 * Settings → Assistant: the WhatsApp booking assistant on or off, the practice's rules and texts it
 * uses, the visit types patients may book with it, and a box to see how it reads a message.
 * Owners edit; everyone else reads (and may try a message).
 */
export function AssistantSettingsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const manage = can('practice:manage');
  const settings = useAssistantSettings(practiceId);

  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return (
    <div className="stack-lg">
      {!manage && <Alert tone="info">{t('assistantSettings.readOnly')}</Alert>}
      <SettingsForm
        key={settings.dataUpdatedAt}
        practiceId={practiceId}
        settings={settings.data}
        editable={manage}
        showPrices={can('clinical:read')}
      />
      <BookableTypes practiceId={practiceId} editable={can('schedule:manage')} />
      <TryMessage practiceId={practiceId} />
    </div>
  );
}

function SettingsForm({
  practiceId,
  settings,
  editable,
  showPrices,
}: {
  practiceId: string;
  settings: AssistantSettings;
  editable: boolean;
  showPrices: boolean;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(settings.enabled);
  const save = useMutation({
    mutationFn: (patch: AssistantSettingsPatch) => assistantApi.save(practiceId, patch),
    onSuccess: (saved) => {
      queryClient.setQueryData(assistantKeys.settings(practiceId), saved);
      toast(t('assistantSettings.saved'));
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const whole = (name: string) => Number(text(name));
    save.mutate({
      enabled,
      lateCancellationHours: whole('lateCancellationHours'),
      idleMinutes: whole('idleMinutes'),
      handoverIdleHours: whole('handoverIdleHours'),
      emergencyEn: text('emergencyEn'),
      emergencyFr: text('emergencyFr'),
      openingHoursEn: text('openingHoursEn'),
      openingHoursFr: text('openingHoursFr'),
      // Items the reader cannot see (no price list access) are kept as they are.
      ...(showPrices ? { publishedPriceItemIds: form.getAll('publishedPriceItemIds').map(String) } : {}),
    });
  };
  const err = save.error;

  return (
    <form onSubmit={submit} className="stack-lg" aria-label={t('assistantSettings.formLabel')}>
      <section aria-labelledby="assistant-on-title" className="card form-card">
        <h2 id="assistant-on-title">{t('assistantSettings.title')}</h2>
        <p className="muted">{t('assistantSettings.intro')}</p>
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('assistantSettings.title')}</legend>
          <CheckboxField
            switch
            label={t('assistantSettings.enabled')}
            hint={t('assistantSettings.enabledHint')}
            name="enabled"
            checked={enabled}
            onChange={(event) => setEnabled(event.currentTarget.checked)}
          />
        </fieldset>
      </section>

      <section aria-labelledby="assistant-rules-title" className="card form-card">
        <h2 id="assistant-rules-title">{t('assistantSettings.rulesTitle')}</h2>
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('assistantSettings.rulesTitle')}</legend>
          <div className="grid-2">
            <TextField
              label={t('assistantSettings.lateCancellationHours')}
              name="lateCancellationHours"
              type="number"
              inputMode="numeric"
              min={0}
              max={168}
              step={1}
              required
              defaultValue={settings.lateCancellationHours}
              hint={t('assistantSettings.lateCancellationHint')}
              error={fieldError(err, 'lateCancellationHours')}
            />
            <TextField
              label={t('assistantSettings.idleMinutes')}
              name="idleMinutes"
              type="number"
              inputMode="numeric"
              min={5}
              max={720}
              step={1}
              required
              defaultValue={settings.idleMinutes}
              hint={t('assistantSettings.idleHint')}
              error={fieldError(err, 'idleMinutes')}
            />
            <TextField
              label={t('assistantSettings.handoverIdleHours')}
              name="handoverIdleHours"
              type="number"
              inputMode="numeric"
              min={1}
              max={168}
              step={1}
              required
              defaultValue={settings.handoverIdleHours}
              hint={t('assistantSettings.handoverIdleHint')}
              error={fieldError(err, 'handoverIdleHours')}
            />
          </div>
        </fieldset>
      </section>

      <section aria-labelledby="assistant-texts-title" className="card form-card">
        <h2 id="assistant-texts-title">{t('assistantSettings.textsTitle')}</h2>
        <fieldset disabled={!editable} className="plain auto-reply">
          <legend className="section-legend">{t('assistantSettings.emergencyTitle')}</legend>
          <p className="field-hint">{t('assistantSettings.emergencyHint')}</p>
          <div className="grid-2">
            <TextAreaField
              label={t('assistantSettings.textEn')}
              name="emergencyEn"
              lang="en"
              maxLength={1024}
              defaultValue={settings.emergencyEn}
              error={fieldError(err, 'emergencyEn')}
            />
            <TextAreaField
              label={t('assistantSettings.textFr')}
              name="emergencyFr"
              lang="fr"
              maxLength={1024}
              defaultValue={settings.emergencyFr}
              error={fieldError(err, 'emergencyFr')}
            />
          </div>
        </fieldset>
        <fieldset disabled={!editable} className="plain auto-reply">
          <legend className="section-legend">{t('assistantSettings.openingHoursTitle')}</legend>
          <p className="field-hint">
            {t('assistantSettings.openingHoursHint')}{' '}
            <Link to={`/app/${practiceId}/settings/calendar/opening-hours`}>
              {t('assistantSettings.openingHoursLink')}
            </Link>
          </p>
          <div className="grid-2">
            <TextAreaField
              label={t('assistantSettings.textEn')}
              name="openingHoursEn"
              lang="en"
              maxLength={1024}
              defaultValue={settings.openingHoursEn}
              error={fieldError(err, 'openingHoursEn')}
            />
            <TextAreaField
              label={t('assistantSettings.textFr')}
              name="openingHoursFr"
              lang="fr"
              maxLength={1024}
              defaultValue={settings.openingHoursFr}
              error={fieldError(err, 'openingHoursFr')}
            />
          </div>
        </fieldset>
      </section>

      <PublishedPrices
        practiceId={practiceId}
        settings={settings}
        editable={editable}
        visible={showPrices}
        error={err}
      />

      {editable && (
        <div className="form-card">
          <ErrorAlert error={err} />
          <div className="actions">
            <Button type="submit" variant="primary" busy={save.isPending}>
              {t('common.save')}
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}

/** Checkboxes over the practice's price list (active items); part of the settings form. */
function PublishedPrices({
  practiceId,
  settings,
  editable,
  visible,
  error,
}: {
  practiceId: string;
  settings: AssistantSettings;
  editable: boolean;
  visible: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  const procedureName = useProcedureName();
  const priceList = useActivePriceList(practiceId, visible);
  const published = new Set(settings.publishedPriceItemIds);
  const items = priceList.data?.items ?? [];
  const problems = settings.publishedPriceItemIds
    .map((_, i) => fieldError(error, `publishedPriceItemIds.${i}`))
    .filter((problem): problem is string => Boolean(problem));

  return (
    <section aria-labelledby="assistant-prices-title" className="card form-card">
      <h2 id="assistant-prices-title">{t('assistantSettings.pricesTitle')}</h2>
      <p className="muted">{t('assistantSettings.pricesIntro')}</p>
      {!visible ? (
        <p>{t('assistantSettings.pricesCount', { count: published.size })}</p>
      ) : priceList.isPending ? (
        <Loading />
      ) : priceList.isError ? (
        <ErrorAlert error={priceList.error} />
      ) : items.length === 0 ? (
        <p>
          {t('assistantSettings.pricesEmpty')}{' '}
          <Link to={`/app/${practiceId}/settings/price-list`}>{t('assistantSettings.priceListLink')}</Link>
        </p>
      ) : (
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('assistantSettings.pricesTitle')}</legend>
          <ul className="plain-list assistant-prices">
            {items.map((item) => (
              <li key={item.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    name="publishedPriceItemIds"
                    value={item.id}
                    defaultChecked={published.has(item.id)}
                  />
                  <span>
                    {procedureName(item)} <span className="muted">· {money(item.feeMinor)}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {problems.map((problem) => (
            <p key={problem} className="field-error" role="alert">
              {problem}
            </p>
          ))}
        </fieldset>
      )}
    </section>
  );
}

/**
 * The visit types patients may book on WhatsApp: the appointment types' own switch, changed here
 * through the appointment types API and saved at once.
 */
function BookableTypes({ practiceId, editable }: { practiceId: string; editable: boolean }) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const toast = useToast();
  const queryClient = useQueryClient();
  const types = useAppointmentTypes(practiceId);
  // What a box was switched to, from the click until the list is read again: set in the click's own
  // render, so the box never springs back while the change is on its way.
  const [switched, setSwitched] = useState<Record<string, boolean>>({});
  const forget = (id: string) =>
    setSwitched((current) => {
      const { [id]: _, ...rest } = current;
      return rest;
    });
  const change = useMutation({
    mutationFn: (input: { type: AppointmentType; bookable: boolean }) =>
      api.patch<AppointmentType>(`/practices/${practiceId}/appointment-types/${input.type.id}`, {
        whatsappBookable: input.bookable,
      }),
    // The box shows the change while it is saved, and until the list is read again.
    onSuccess: async (_saved, input) => {
      await refreshScheduling(queryClient, practiceId);
      toast(
        t(input.bookable ? 'assistantSettings.typeOn' : 'assistantSettings.typeOff', { name: typeName(input.type) }),
      );
    },
    onSettled: (_saved, _error, input) => forget(input.type.id),
  });
  const active = (types.data ?? []).filter((type) => type.active);
  const saving = (type: AppointmentType) => change.isPending && change.variables?.type.id === type.id;

  return (
    <section aria-labelledby="assistant-types-title" className="card form-card">
      <h2 id="assistant-types-title">{t('assistantSettings.typesTitle')}</h2>
      <p className="muted">
        {t('assistantSettings.typesIntro')}{' '}
        <Link to={`/app/${practiceId}/settings/calendar/appointment-types`}>{t('assistantSettings.typesLink')}</Link>
      </p>
      {types.isPending ? (
        <Loading />
      ) : types.isError ? (
        <ErrorAlert error={types.error} />
      ) : active.length === 0 ? (
        <p>{t('assistantSettings.typesEmpty')}</p>
      ) : (
        <fieldset className="plain" disabled={!editable}>
          <legend className="visually-hidden">{t('assistantSettings.typesTitle')}</legend>
          <ul className="plain-list">
            {active.map((type) => (
              <li key={type.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={switched[type.id] ?? type.whatsappBookable}
                    disabled={saving(type)}
                    onChange={(event) => {
                      const bookable = event.currentTarget.checked;
                      setSwitched((current) => ({ ...current, [type.id]: bookable }));
                      change.mutate({ type, bookable });
                    }}
                  />
                  {typeName(type)}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <ErrorAlert error={change.error} />
    </section>
  );
}

/** "Try a message": how the assistant reads a sentence, in words a receptionist can check. */
function TryMessage({ practiceId }: { practiceId: string }) {
  const { t, i18n } = useTranslation();
  const practice = usePractice(practiceId);
  const resultId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const read = useMutation({ mutationFn: (message: string) => assistantApi.understand(practiceId, message) });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!text.trim()) {
      inputRef.current?.focus();
      return;
    }
    read.mutate(text);
  };
  const language = (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';

  return (
    <section aria-labelledby="assistant-try-title" className="card form-card">
      <h2 id="assistant-try-title">{t('assistantSettings.tryTitle')}</h2>
      <p className="muted">{t('assistantSettings.tryIntro')}</p>
      <form onSubmit={submit} className="stack">
        <TextAreaField
          ref={inputRef}
          label={t('assistantSettings.tryMessage')}
          name="text"
          rows={2}
          maxLength={4096}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          hint={t('assistantSettings.tryHint')}
          error={fieldError(read.error, 'text')}
        />
        <div className="actions">
          <Button type="submit" busy={read.isPending} aria-describedby={read.data ? resultId : undefined}>
            {t('assistantSettings.read')}
          </Button>
        </div>
      </form>
      <ErrorAlert error={read.error && !fieldError(read.error, 'text') ? read.error : null} />
      <div aria-live="polite" id={resultId}>
        {read.data && <Reading result={read.data} timeZone={timeZone} language={language} />}
      </div>
    </section>
  );
}

function Reading({
  result,
  timeZone,
  language,
}: {
  result: UnderstandResult;
  timeZone: string;
  language: 'en' | 'fr';
}) {
  const { t } = useTranslation();
  const percent = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent' });
  return (
    <dl className="summary assistant-reading" aria-label={t('assistantSettings.readingLabel')}>
      <div>
        <dt>{t('assistantSettings.reading.intent')}</dt>
        <dd>{t(`assistantSettings.intents.${result.intent}`)}</dd>
      </div>
      <div>
        <dt>{t('assistantSettings.reading.language')}</dt>
        <dd>{t(`assistantSettings.languages.${result.language}`)}</dd>
      </div>
      <div>
        <dt>{t('assistantSettings.reading.when')}</dt>
        <dd>{result.when ? formatWhen(result.when, timeZone, language) : t('assistantSettings.reading.noWhen')}</dd>
      </div>
      <div>
        <dt>{t('assistantSettings.reading.type')}</dt>
        <dd>{result.typeName ?? t('assistantSettings.reading.noType')}</dd>
      </div>
      <div>
        <dt>{t('assistantSettings.reading.confidence')}</dt>
        <dd>{percent.format(result.confidence)}</dd>
      </div>
    </dl>
  );
}
