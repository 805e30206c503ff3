import type { ConsentChannel, ConsentHistory, ConsentPurpose, Patient } from '@dentalpro/contracts';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { fieldError } from '../../components/errors';
import { useDateFormat } from '../../components/format';
import { useConsentHistory, useRecordConsent } from './consent.api';
import { type WordingLanguage, suggestedWording, wordingLanguageOf } from './consent-wording';

interface ConsentBlockProps {
  patient: Patient;
  practiceId: string;
  practiceName: string;
  practiceLanguage: WordingLanguage;
  timeZone: string;
  canWrite: boolean;
}

interface Draft {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
}

/**
 * The patient's consent to be contacted: the state per channel and purpose, every grant and
 * withdrawal (in a disclosure, with the words read), and, for staff with consent:write, recording
 * a grant or withdrawal with the words read to the patient.
 */
export function ConsentBlock({
  patient,
  practiceId,
  practiceName,
  practiceLanguage,
  timeZone,
  canWrite,
}: ConsentBlockProps) {
  const { t } = useTranslation();
  const history = useConsentHistory(practiceId, patient.id);
  const [draft, setDraft] = useState<Draft | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const close = () => {
    setDraft(null);
    opener.current?.focus();
  };
  return (
    <section aria-labelledby="consent-heading" className="stack">
      <h2 id="consent-heading" className="section-title">
        {t('consent.title')}
      </h2>
      <p className="muted">{t('consent.intro')}</p>
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorAlert error={history.error} />
      ) : (
        <>
          <CurrentStates
            history={history.data}
            timeZone={timeZone}
            canWrite={canWrite}
            onRecord={(next, button) => {
              opener.current = button;
              setDraft(next);
            }}
          />
          {draft && (
            <RecordForm
              key={`${draft.channel}-${draft.purpose}-${draft.granted}`}
              draft={draft}
              practiceId={practiceId}
              patientId={patient.id}
              practiceName={practiceName}
              language={wordingLanguageOf(patient.preferredLanguage, practiceLanguage)}
              onDone={close}
            />
          )}
          <HistoryList history={history.data} timeZone={timeZone} />
        </>
      )}
    </section>
  );
}

function CurrentStates({
  history,
  timeZone,
  canWrite,
  onRecord,
}: {
  history: ConsentHistory;
  timeZone: string;
  canWrite: boolean;
  onRecord: (draft: Draft, button: HTMLButtonElement) => void;
}) {
  const { t } = useTranslation();
  const fmt = useDateFormat(timeZone);
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('consent.currentCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('consent.channel')}</th>
            <th scope="col">{t('consent.purpose')}</th>
            <th scope="col">{t('consent.state')}</th>
            {canWrite && <th scope="col">{t('consent.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {history.current.map((c) => {
            const what = `${t(`consent.channels.${c.channel}`)} — ${t(`consent.purposes.${c.purpose}`)}`;
            return (
              <tr key={`${c.channel}-${c.purpose}`}>
                <td>{t(`consent.channels.${c.channel}`)}</td>
                <td>{t(`consent.purposes.${c.purpose}`)}</td>
                <td>
                  <span className={`status-pill consent-${c.granted ? 'granted' : 'withdrawn'}`}>
                    {t(c.granted ? 'consent.allowed' : 'consent.notAllowed')}
                  </span>{' '}
                  <span className="muted">
                    {c.isDefault
                      ? t(c.granted ? 'consent.defaultAllowed' : 'consent.defaultNotAllowed')
                      : t('consent.since', { when: fmt.dateTime(c.since!) })}
                  </span>
                </td>
                {canWrite && (
                  <td>
                    <Button
                      aria-label={t(c.granted ? 'consent.recordWithdrawalOf' : 'consent.recordGrantOf', { what })}
                      onClick={(e) =>
                        onRecord({ channel: c.channel, purpose: c.purpose, granted: !c.granted }, e.currentTarget)
                      }
                    >
                      {t(c.granted ? 'consent.recordWithdrawal' : 'consent.recordGrant')}
                    </Button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RecordForm({
  draft,
  practiceId,
  patientId,
  practiceName,
  language: initialLanguage,
  onDone,
}: {
  draft: Draft;
  practiceId: string;
  patientId: string;
  practiceName: string;
  language: WordingLanguage;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [language, setLanguage] = useState<WordingLanguage>(initialLanguage);
  const [wording, setWording] = useState(() => suggestedWording({ practiceName, ...draft, language: initialLanguage }));
  const [source, setSource] = useState<'staff' | 'patient_request' | 'import'>('staff');
  const record = useRecordConsent(practiceId, patientId);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => area.current?.focus(), []);
  const what = `${t(`consent.channels.${draft.channel}`)} — ${t(`consent.purposes.${draft.purpose}`)}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate({ ...draft, wording, language, source }, { onSuccess: onDone });
  };
  return (
    <form
      className="form-card stack"
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
      aria-labelledby="consent-form-title"
    >
      <h3 id="consent-form-title">
        {t(draft.granted ? 'consent.form.grantTitle' : 'consent.form.withdrawalTitle', { what })}
      </h3>
      <SelectField
        label={t('consent.form.language')}
        value={language}
        onChange={(e) => {
          const next = e.target.value as WordingLanguage;
          setLanguage(next);
          setWording(suggestedWording({ practiceName, ...draft, language: next }));
        }}
      >
        <option value="en">English</option>
        <option value="fr">Français</option>
      </SelectField>
      <TextAreaField
        ref={area}
        label={t('consent.form.wording')}
        hint={t('consent.form.wordingHint')}
        value={wording}
        required
        rows={4}
        maxLength={4000}
        onChange={(e) => setWording(e.target.value)}
        error={fieldError(record.error, 'wording')}
      />
      <SelectField
        label={t('consent.form.source')}
        value={source}
        onChange={(e) => setSource(e.target.value as typeof source)}
      >
        <option value="staff">{t('consent.sources.staff')}</option>
        <option value="patient_request">{t('consent.sources.patient_request')}</option>
        <option value="import">{t('consent.sources.import')}</option>
      </SelectField>
      {record.isError && <ErrorAlert error={record.error} />}
      <div className="actions">
        <Button type="submit" variant="primary" busy={record.isPending}>
          {t(draft.granted ? 'consent.form.saveGrant' : 'consent.form.saveWithdrawal')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

function HistoryList({ history, timeZone }: { history: ConsentHistory; timeZone: string }) {
  const { t } = useTranslation();
  const fmt = useDateFormat(timeZone);
  return (
    <details>
      <summary>{t('consent.history', { count: history.entries.length })}</summary>
      {history.entries.length === 0 ? (
        <p className="muted">{t('consent.noHistory')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('consent.when')}</th>
                <th scope="col">{t('consent.what')}</th>
                <th scope="col">{t('consent.source')}</th>
                <th scope="col">{t('consent.who')}</th>
                <th scope="col">{t('consent.wording')}</th>
              </tr>
            </thead>
            <tbody>
              {history.entries.map((e) => (
                <tr key={e.id}>
                  <td>{fmt.dateTime(e.recordedAt)}</td>
                  <td>
                    {t(e.granted ? 'consent.granted' : 'consent.withdrawn')}: {t(`consent.channels.${e.channel}`)} —{' '}
                    {t(`consent.purposes.${e.purpose}`)}
                  </td>
                  <td>{t(`consent.sources.${e.source}`)}</td>
                  <td>{e.actorName ?? (e.actorUserId ? '—' : t('consent.thePatient'))}</td>
                  <td>
                    <details>
                      <summary>{t('consent.showWording')}</summary>
                      <blockquote lang={e.language === 'mfe' ? 'mfe' : (e.language ?? undefined)}>
                        {e.wording}
                      </blockquote>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
