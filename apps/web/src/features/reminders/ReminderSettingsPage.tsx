import type { AppointmentType, ReminderSettings, ReminderSettingsInput } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { CheckboxField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { usePractice } from '../practices/practices.api';
import { useAppointmentTypes, useTypeName } from '../scheduling/scheduling.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { useCurrentPractice } from '../shell/AppShell';
import { AgendaSettingsSection } from '../agenda/AgendaSettingsForm';
import { RecallSettingsSection } from './RecallSettingsForm';
import { ReminderEmailSettingsSection } from './ReminderEmailSettingsForm';
import { WaitlistOfferSettingsSection } from './WaitlistOfferSettingsForm';
import { type RuleDraft, draftOf, inputOf, newRuleDraft } from './rule-draft';
import { remindersApi, reminderKeys, useReminderSettings } from './reminders.api';

const MAX_RULES = 5;
const ADD_RULE_ID = 'reminders-add-rule';

/**
 * Settings → Reminders: reminders on or off, the rules (how long before the visit, for which visit
 * types, with what notice), and quiet hours; below them the recall messages (RecallSettingsForm.tsx),
 * the waitlist offers (WaitlistOfferSettingsForm.tsx) and the daily agenda (agenda/AgendaSettingsForm.tsx).
 * Owners edit; everyone else reads. The server checks the rules (overlapping offsets, quiet hours all
 * day, unknown types) and its refusals are shown beside the fields they name.
 */
export function ReminderSettingsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const manage = can('practice:manage');
  const settings = useReminderSettings(practiceId);
  const types = useAppointmentTypes(practiceId);

  if (settings.isPending || types.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return (
    <div className="stack-lg">
      {!manage && <Alert tone="info">{t('reminders.readOnly')}</Alert>}
      {types.isError && <ErrorAlert error={types.error} />}
      <SettingsForm
        key={settings.dataUpdatedAt}
        practiceId={practiceId}
        settings={settings.data}
        types={(types.data ?? []).filter((type) => type.active)}
        editable={manage}
      />
      <RecallSettingsSection practiceId={practiceId} editable={manage} />
      <WaitlistOfferSettingsSection practiceId={practiceId} editable={manage} />
      <ReminderEmailSettingsSection practiceId={practiceId} editable={manage} />
      <AgendaSettingsSection practiceId={practiceId} editable={manage} />
    </div>
  );
}

function SettingsForm({
  practiceId,
  settings,
  types,
  editable,
}: {
  practiceId: string;
  settings: ReminderSettings;
  types: AppointmentType[];
  editable: boolean;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const practice = usePractice(practiceId);
  const fmt = useCalendarFormat(practice.data?.timeZone ?? 'Indian/Mauritius');
  const formRef = useRef<HTMLFormElement>(null);
  const [enabled, setEnabled] = useState(settings.enabled);
  const [rules, setRules] = useState<RuleDraft[]>(() => settings.rules.map(draftOf));
  const [quiet, setQuiet] = useState(settings.quietHours !== null);
  const [quietStart, setQuietStart] = useState(settings.quietHours?.start ?? '20:00');
  const [quietEnd, setQuietEnd] = useState(settings.quietHours?.end ?? '08:00');
  // A rule with "only the types chosen" and none chosen: refused here, the server would plan it for nothing.
  const [noTypes, setNoTypes] = useState<ReadonlySet<string>>(new Set());
  // Where the keyboard goes after a rule is added (its first field) or removed (the add button).
  const [focusAfter, setFocusAfter] = useState<string | 'add' | null>(null);

  const save = useMutation({
    mutationFn: (input: ReminderSettingsInput) => remindersApi.save(practiceId, input),
    onSuccess: (saved) => {
      queryClient.setQueryData(reminderKeys.settings(practiceId), saved);
      toast(t('reminders.saved'));
    },
  });
  const err = save.error;

  // A refusal moves the keyboard to the first field it names, whose error is read with it.
  useEffect(() => {
    if (!err) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [err]);
  useEffect(() => {
    if (focusAfter === null) return;
    if (focusAfter === 'add') document.getElementById(ADD_RULE_ID)?.focus();
    else document.getElementById(`${focusAfter}-days`)?.focus();
    setFocusAfter(null);
  }, [focusAfter]);

  const change = (key: string, patch: Partial<RuleDraft>) =>
    setRules((current) => current.map((rule) => (rule.key === key ? { ...rule, ...patch } : rule)));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const empty = new Set(rules.filter((r) => !r.allTypes && r.typeIds.length === 0).map((r) => r.key));
    setNoTypes(empty);
    if (empty.size > 0) {
      window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    save.mutate({
      enabled,
      rules: rules.map(inputOf),
      quietHours: quiet ? { start: quietStart, end: quietEnd } : null,
    });
  };

  const quietProblem = fieldError(err, 'quietHours');
  const quietErrorId = useId();
  return (
    <form ref={formRef} onSubmit={submit} className="stack-lg reminder-settings" aria-label={t('reminders.formLabel')}>
      <section aria-labelledby="reminders-on-title" className="card form-card">
        <h2 id="reminders-on-title">{t('reminders.title')}</h2>
        <p className="muted">{t('reminders.intro')}</p>
        {settings.updatedAt === null ? (
          <p className="field-hint">{t('reminders.defaults')}</p>
        ) : (
          <p className="field-hint">{t('reminders.lastSaved', { when: fmt.dateTime(settings.updatedAt) })}</p>
        )}
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('reminders.title')}</legend>
          <CheckboxField
            switch
            label={t('reminders.enabled')}
            hint={t('reminders.enabledHint')}
            checked={enabled}
            onChange={(event) => setEnabled(event.currentTarget.checked)}
          />
        </fieldset>
      </section>

      <section aria-labelledby="reminders-rules-title" className="card form-card">
        <h2 id="reminders-rules-title">{t('reminders.rulesTitle')}</h2>
        <p className="muted">{t('reminders.rulesIntro')}</p>
        {rules.length === 0 && <p>{t('reminders.noRules')}</p>}
        <ol className="plain-list reminder-rules">
          {rules.map((rule, index) => (
            <li key={rule.key}>
              <RuleFields
                rule={rule}
                index={index}
                types={types}
                editable={editable}
                error={err}
                noTypes={noTypes.has(rule.key)}
                onChange={(patch) => {
                  change(rule.key, patch);
                  if (noTypes.has(rule.key) && (patch.allTypes || (patch.typeIds?.length ?? 0) > 0))
                    setNoTypes((current) => new Set([...current].filter((k) => k !== rule.key)));
                }}
                onRemove={() => {
                  setRules((current) => current.filter((r) => r.key !== rule.key));
                  setFocusAfter('add');
                  toast(t('reminders.ruleRemoved'));
                }}
              />
            </li>
          ))}
        </ol>
        {editable && (
          <div className="actions">
            <Button
              id={ADD_RULE_ID}
              disabled={rules.length >= MAX_RULES}
              aria-describedby={rules.length >= MAX_RULES ? 'reminders-max-rules' : undefined}
              onClick={() => {
                const rule = newRuleDraft(rules);
                setRules((current) => [...current, rule]);
                setFocusAfter(rule.key);
              }}
            >
              {t('reminders.addRule')}
            </Button>
            {rules.length >= MAX_RULES && (
              <p id="reminders-max-rules" className="field-hint">
                {t('reminders.maxRules')}
              </p>
            )}
          </div>
        )}
      </section>

      <section aria-labelledby="reminders-quiet-title" className="card form-card">
        <h2 id="reminders-quiet-title">{t('reminders.quietTitle')}</h2>
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('reminders.quietTitle')}</legend>
          <CheckboxField
            label={t('reminders.quietEnabled')}
            hint={t('reminders.quietHint')}
            checked={quiet}
            onChange={(event) => setQuiet(event.currentTarget.checked)}
          />
          {quiet && (
            <div className={`grid-2 tight${quietProblem ? ' field-invalid' : ''}`}>
              <TextField
                label={t('reminders.quietFrom')}
                type="time"
                required
                value={quietStart}
                onChange={(event) => setQuietStart(event.currentTarget.value)}
                aria-invalid={quietProblem ? true : undefined}
                aria-describedby={quietProblem ? quietErrorId : undefined}
              />
              <TextField
                label={t('reminders.quietTo')}
                type="time"
                required
                value={quietEnd}
                onChange={(event) => setQuietEnd(event.currentTarget.value)}
                aria-invalid={quietProblem ? true : undefined}
                aria-describedby={quietProblem ? quietErrorId : undefined}
              />
            </div>
          )}
          {quietProblem && (
            <p id={quietErrorId} className="field-error">
              {quietProblem}
            </p>
          )}
        </fieldset>
      </section>

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

/** One rule: how long before, for which visit types, with what notice; the server's refusals beside each part. */
function RuleFields({
  rule,
  index,
  types,
  editable,
  error,
  noTypes,
  onChange,
  onRemove,
}: {
  rule: RuleDraft;
  index: number;
  types: AppointmentType[];
  editable: boolean;
  error: unknown;
  noTypes: boolean;
  onChange: (patch: Partial<RuleDraft>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const typeName = useTypeName();
  const number = index + 1;
  const path = `rules.${index}`;
  const offsetProblem = fieldError(error, `${path}.offsetMinutes`);
  const leadProblem = fieldError(error, `${path}.minLeadMinutes`);
  const typeProblems = [
    ...(noTypes ? [t('reminders.noTypesChosen')] : []),
    ...rule.typeIds
      .map((_, j) => fieldError(error, `${path}.appointmentTypeIds.${j}`))
      .filter((p): p is string => Boolean(p)),
    ...(fieldError(error, `${path}.appointmentTypeIds`) ? [fieldError(error, `${path}.appointmentTypeIds`)!] : []),
  ];
  const id = rule.key;
  const offsetErrorId = `${id}-offset-error`;
  const typesErrorId = `${id}-types-error`;
  const offsetDescribed = [`${id}-offset-hint`, ...(offsetProblem ? [offsetErrorId] : [])].join(' ');
  // Types the rule names that are no longer active stay chosen (and are sent back as they were).
  const shown = [...types, ...rule.typeIds.filter((tid) => !types.some((x) => x.id === tid)).map(unknownType)];

  return (
    <fieldset disabled={!editable} className="reminder-rule">
      <legend className="section-legend">{t('reminders.rule', { number })}</legend>
      <div className={`reminder-offset${offsetProblem ? ' field-invalid' : ''}`}>
        <div className="grid-2 tight">
          <TextField
            id={`${id}-days`}
            label={t('reminders.offsetDays')}
            type="number"
            inputMode="numeric"
            min={0}
            max={14}
            step={1}
            required
            value={rule.days}
            onChange={(event) => onChange({ days: event.currentTarget.value })}
            aria-invalid={offsetProblem ? true : undefined}
            aria-describedby={offsetDescribed}
          />
          <TextField
            id={`${id}-hours`}
            label={t('reminders.offsetHours')}
            type="number"
            inputMode="numeric"
            min={0}
            max={23}
            step={1}
            required
            value={rule.hours}
            onChange={(event) => onChange({ hours: event.currentTarget.value })}
            aria-invalid={offsetProblem ? true : undefined}
            aria-describedby={offsetDescribed}
          />
        </div>
        <p id={`${id}-offset-hint`} className="field-hint">
          {t('reminders.offsetHint')}
        </p>
        {offsetProblem && (
          <p id={offsetErrorId} className="field-error">
            {offsetProblem}
          </p>
        )}
      </div>

      <fieldset className={`plain reminder-types${typeProblems.length ? ' field-invalid' : ''}`}>
        <legend>{t('reminders.types')}</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-scope`}
            checked={rule.allTypes}
            onChange={() => onChange({ allTypes: true })}
          />
          {t('reminders.allTypes')}
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-scope`}
            checked={!rule.allTypes}
            onChange={() => onChange({ allTypes: false })}
            aria-invalid={typeProblems.length ? true : undefined}
            aria-describedby={typeProblems.length ? typesErrorId : undefined}
          />
          {t('reminders.chosenTypes')}
        </label>
        {!rule.allTypes && (
          <fieldset className="plain reminder-type-list">
            <legend className="visually-hidden">{t('reminders.chooseTypes', { number })}</legend>
            <ul className="plain-list">
              {shown.map((type) => (
                <li key={type.id}>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={rule.typeIds.includes(type.id)}
                      onChange={(event) => {
                        const on = event.currentTarget.checked;
                        onChange({
                          typeIds: on ? [...rule.typeIds, type.id] : rule.typeIds.filter((x) => x !== type.id),
                        });
                      }}
                    />
                    {typeName(type) || type.id}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        {typeProblems.length > 0 && (
          <div id={typesErrorId}>
            {typeProblems.map((problem) => (
              <p key={problem} className="field-error">
                {problem}
              </p>
            ))}
          </div>
        )}
      </fieldset>

      <TextField
        label={t('reminders.minLead')}
        type="number"
        inputMode="numeric"
        min={0}
        max={720}
        step={1}
        required
        value={rule.leadHours}
        onChange={(event) => onChange({ leadHours: event.currentTarget.value })}
        hint={t('reminders.minLeadHint')}
        error={leadProblem}
      />

      {editable && (
        <div className="actions">
          <Button variant="ghost" onClick={onRemove}>
            {t('reminders.removeRule', { number })}
          </Button>
        </div>
      )}
    </fieldset>
  );
}

/** A visit type the rule names that the practice no longer offers: listed by its id so it can be unticked. */
const unknownType = (id: string): AppointmentType => ({ id, nameEn: '', nameFr: '' }) as AppointmentType;
