import type { PatientDuplicateCheck, PatientSummary } from '@dentalpro/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type Ref, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { patientName } from '../scheduling/scheduling.api';
import { patientKeys, patientsApi } from './patients.api';

/** What the new-patient form holds, as typed. */
export interface PatientDraft {
  givenName: string;
  familyName: string;
  phone: string;
  dateOfBirth: string;
}

/** Mauritian numbers have 7 (landline) or 8 (mobile) digits: fewer cannot match anyone yet. */
const MIN_PHONE_DIGITS = 7;
const PAUSE_MS = 400;

/** The part of the draft worth checking, or null while it could not match anyone. */
function probeOf(draft: PatientDraft): PatientDuplicateCheck | null {
  const givenName = draft.givenName.trim();
  const familyName = draft.familyName.trim();
  const phones = draft.phone.replace(/\D/g, '').length >= MIN_PHONE_DIGITS ? [draft.phone.trim()] : [];
  const dateOfBirth = /^\d{4}-\d{2}-\d{2}$/.test(draft.dateOfBirth) ? draft.dateOfBirth : null;
  if (phones.length === 0 && !(dateOfBirth && (givenName || familyName))) return null;
  return { givenName, familyName, dateOfBirth, phones };
}

/**
 * Likely duplicates of a patient being typed in, asked of the server after a pause in typing.
 * `checkNow` asks at once (Create pressed before the pause ended) and shows that answer.
 */
export function useDuplicateCheck(practiceId: string, draft: PatientDraft) {
  const queryClient = useQueryClient();
  const current = JSON.stringify(probeOf(draft));
  const [checked, setChecked] = useState(current);
  useEffect(() => {
    const timer = window.setTimeout(() => setChecked(current), PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [current]);
  const options = (probe: string) => ({
    queryKey: patientKeys.draftCheck(practiceId, probe),
    queryFn: async () => (await patientsApi.checkDraft(practiceId, JSON.parse(probe) as PatientDuplicateCheck)).items,
    staleTime: 30_000,
  });
  const query = useQuery({ ...options(checked), enabled: checked !== 'null', placeholderData: (previous: PatientSummary[] | undefined) => previous });
  const matches = checked === 'null' ? [] : (query.data ?? []);
  const checkNow = async (): Promise<PatientSummary[]> => {
    setChecked(current);
    return current === 'null' ? [] : queryClient.fetchQuery(options(current));
  };
  return { matches, checkNow, error: query.error };
}

interface DuplicateWarningProps {
  practiceId: string;
  matches: PatientSummary[];
  acknowledged: boolean;
  onAcknowledge: (acknowledged: boolean) => void;
  /** Instead of creating: go to (or use) the patient already on file. */
  onPick?: ((patient: PatientSummary) => void) | undefined;
  pickLabel?: string | undefined;
  acknowledgeRef?: Ref<HTMLInputElement>;
}

/**
 * The warning itself, inside a live region that is always there, so a screen reader hears it
 * appear without the focus leaving the field being typed in.
 */
export function DuplicateWarning({ practiceId, matches, acknowledged, onAcknowledge, onPick, pickLabel, acknowledgeRef }: DuplicateWarningProps) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div aria-live="polite">
      {matches.length > 0 && (
        <section className="alert alert-warning duplicate-warning" aria-labelledby={`${id}-title`}>
          <span className="alert-icon" aria-hidden="true">
            !
          </span>
          <div className="alert-body">
            <h3 className="alert-title" id={`${id}-title`}>
              {t('patients.duplicates.title', { count: matches.length })}
            </h3>
            <p>{t('patients.duplicates.intro')}</p>
            <ul className="duplicate-list" aria-label={t('patients.duplicates.listLabel')}>
              {matches.map((match) => (
                <li key={match.id}>
                  <span>
                    <a href={`/app/${practiceId}/patients/${match.id}`} target="_blank" rel="noopener noreferrer">
                      <strong>{patientName(match)}</strong>
                      <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
                    </a>
                    <span className="block small">
                      {t('patients.dateOfBirth')}: {match.dateOfBirth ?? '—'} · {t('common.phone')}: <span className="mono">{match.phone || '—'}</span>
                    </span>
                  </span>
                  {onPick && (
                    <Button onClick={() => onPick(match)} aria-label={`${pickLabel ?? t('patients.duplicates.open')}: ${patientName(match)}`}>
                      {pickLabel ?? t('patients.duplicates.open')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
            <label className="checkbox">
              <input ref={acknowledgeRef} type="checkbox" checked={acknowledged} onChange={(e) => onAcknowledge(e.target.checked)} />
              {t('patients.duplicates.acknowledge')}
            </label>
          </div>
        </section>
      )}
    </div>
  );
}
