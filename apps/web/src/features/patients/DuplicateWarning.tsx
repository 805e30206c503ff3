import type { PatientDuplicateCheck, PatientSummary } from '@dentalpro/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type Ref, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { formatPhone, useDayFormat } from '../../components/format';
import { patientName } from '../scheduling/scheduling.api';
import { type PatientDraft, duplicateProbe } from './duplicate-probe';
import { patientKeys, patientsApi } from './patients.api';

const PAUSE_MS = 400;

/**
 * Likely duplicates of a patient being typed in, asked of the server after a pause in typing.
 * `checkNow` asks at once (Create pressed before the pause ended) and shows that answer.
 */
export function useDuplicateCheck(practiceId: string, draft: PatientDraft) {
  const queryClient = useQueryClient();
  const current = JSON.stringify(duplicateProbe(draft));
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
  const query = useQuery({
    ...options(checked),
    enabled: checked !== 'null',
    placeholderData: (previous: PatientSummary[] | undefined) => previous,
  });
  const matches = checked === 'null' ? [] : (query.data ?? []);
  const checkNow = async (): Promise<PatientSummary[]> => {
    setChecked(current);
    return current === 'null' ? [] : queryClient.fetchQuery(options(current));
  };
  return { matches, checkNow, error: query.error };
}

/**
 * The rule of every new-patient form: a likely duplicate must be looked at and acknowledged
 * before creating. `clear()` asks the server once more (typing may have outrun the pause) and
 * answers whether creating may go ahead; if not, the focus goes to the acknowledgement.
 */
export function useDuplicateGate(practiceId: string, draft: PatientDraft) {
  const duplicates = useDuplicateCheck(practiceId, draft);
  // Acknowledged by id: a further match appearing later needs its own acknowledgement.
  const [acknowledgedIds, setAcknowledgedIds] = useState<ReadonlySet<string>>(new Set());
  const unacknowledged = (matches: PatientSummary[]) => matches.filter((m) => !acknowledgedIds.has(m.id));
  const blocked = unacknowledged(duplicates.matches).length > 0;
  const acknowledgeRef = useRef<HTMLInputElement>(null);
  const [focusAcknowledge, setFocusAcknowledge] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the checkbox renders with the matches; try the focus again once they arrive.
  useEffect(() => {
    if (focusAcknowledge && acknowledgeRef.current) {
      acknowledgeRef.current.focus();
      setFocusAcknowledge(false);
    }
  }, [focusAcknowledge, duplicates.matches]);
  const [checking, setChecking] = useState(false);
  const clear = async (): Promise<boolean> => {
    setChecking(true);
    const matches = await duplicates.checkNow().catch(() => duplicates.matches);
    setChecking(false);
    if (unacknowledged(matches).length > 0) {
      setFocusAcknowledge(true);
      return false;
    }
    return true;
  };
  const warning = {
    practiceId,
    matches: duplicates.matches,
    acknowledged: duplicates.matches.length > 0 && !blocked,
    onAcknowledge: (yes: boolean) =>
      setAcknowledgedIds(yes ? new Set([...acknowledgedIds, ...duplicates.matches.map((m) => m.id)]) : new Set()),
    acknowledgeRef,
  };
  return { blocked, checking, clear, warning };
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
export function DuplicateWarning({
  practiceId,
  matches,
  acknowledged,
  onAcknowledge,
  onPick,
  pickLabel,
  acknowledgeRef,
}: DuplicateWarningProps) {
  const { t } = useTranslation();
  const formatDay = useDayFormat();
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
                    {match.status && match.status !== 'active' && (
                      <>
                        {' '}
                        <span className={`status-pill patient-status-${match.status}`}>
                          {t(`patientRecord.status.${match.status}`)}
                        </span>
                      </>
                    )}
                    <span className="block small">
                      {t('patients.dateOfBirth')}: {match.dateOfBirth ? formatDay(match.dateOfBirth) : '—'} ·{' '}
                      {t('common.phone')}:{' '}
                      <span className="mono nowrap">{match.phone ? formatPhone(match.phone) : '—'}</span>
                    </span>
                  </span>
                  {onPick && (
                    <Button
                      onClick={() => onPick(match)}
                      aria-label={`${pickLabel ?? t('patients.duplicates.open')}: ${patientName(match)}`}
                    >
                      {pickLabel ?? t('patients.duplicates.open')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
            <label className="checkbox">
              <input
                ref={acknowledgeRef}
                type="checkbox"
                checked={acknowledged}
                onChange={(e) => onAcknowledge(e.target.checked)}
              />
              {t('patients.duplicates.acknowledge')}
            </label>
          </div>
        </section>
      )}
    </div>
  );
}
