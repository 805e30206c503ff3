import type { LegalHold, PatientSummary } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { TextAreaField, TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/Toast';
import { useDateFormat } from '../../../components/format';
import { usePractice } from '../../practices/practices.api';
import { PatientPicker } from '../../scheduling/PatientPicker';
import { useCurrentPractice } from '../../shell/AppShell';
import { retentionApi, retentionKeys, useLegalHolds } from './retention.api';

/**
 * Privacy → Legal holds, for owners: the holds in force (or all, lifted ones too), set one on a
 * patient with a reason and an optional last day, lift one with a reason. While a hold is in force
 * nothing of the patient's data is purged or erased.
 */
export function LegalHoldsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const [all, setAll] = useState(false);
  const [setting, setSetting] = useState(false);
  const holds = useLegalHolds(practiceId, { all });
  if (!can('privacy:manage')) return <Alert tone="info">{t('legalHolds.ownersOnly')}</Alert>;
  return (
    <section className="stack" aria-labelledby="legal-holds-title">
      <h1 id="legal-holds-title">{t('legalHolds.title')}</h1>
      <p className="muted">{t('legalHolds.intro')}</p>
      <div className="actions">
        <Button variant="primary" onClick={() => setSetting(true)}>
          {t('legalHolds.set')}
        </Button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={all} onChange={(event) => setAll(event.currentTarget.checked)} />
        {t('legalHolds.showAll')}
      </label>
      {holds.isPending ? (
        <Loading />
      ) : holds.isError ? (
        <ErrorAlert error={holds.error} />
      ) : holds.data.items.length === 0 ? (
        <p>{all ? t('legalHolds.noneEver') : t('legalHolds.none')}</p>
      ) : (
        <HoldList practiceId={practiceId} holds={holds.data.items} />
      )}
      <SetHoldDialog practiceId={practiceId} open={setting} onClose={() => setSetting(false)} />
    </section>
  );
}

function HoldList({ practiceId, holds }: { practiceId: string; holds: LegalHold[] }) {
  const { t } = useTranslation();
  const practice = usePractice(practiceId);
  const fmt = useDateFormat(practice.data?.timeZone);
  const [lifting, setLifting] = useState<LegalHold | null>(null);
  return (
    <div className="table-wrap">
      <table className="list-table">
        <caption className="visually-hidden">{t('legalHolds.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('legalHolds.patient')}</th>
            <th scope="col">{t('legalHolds.reason')}</th>
            <th scope="col">{t('legalHolds.setOn')}</th>
            <th scope="col">{t('legalHolds.endsOn')}</th>
            <th scope="col">{t('legalHolds.state')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('legalHolds.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {holds.map((hold) => (
            <tr key={hold.id}>
              <th scope="row">
                <Link to={`/app/${practiceId}/patients/${hold.patientId}`}>
                  {hold.patientName ?? t('legalHolds.unknownPatient')}
                </Link>
              </th>
              <td>{hold.reason}</td>
              <td>
                {fmt.date(hold.setAt)}
                {hold.setByName && <span className="sub-line">{hold.setByName}</span>}
              </td>
              <td>{hold.endsOn ? fmt.day(hold.endsOn) : t('legalHolds.untilLifted')}</td>
              <td>
                {hold.active
                  ? t('legalHolds.inForce')
                  : hold.liftedAt
                    ? t('legalHolds.liftedOn', { when: fmt.date(hold.liftedAt) })
                    : t('legalHolds.ended')}
                {hold.liftReason && <span className="sub-line">{hold.liftReason}</span>}
              </td>
              <td>
                {hold.active && (
                  <Button
                    onClick={() => setLifting(hold)}
                    aria-label={t('legalHolds.liftFor', { name: hold.patientName ?? '' })}
                  >
                    {t('legalHolds.lift')}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LiftHoldDialog practiceId={practiceId} hold={lifting} onClose={() => setLifting(null)} />
    </div>
  );
}

/** Set a hold: the patient (given, from the patient page, or picked), the reason, and an optional last day. */
export function SetHoldDialog({
  practiceId,
  open,
  onClose,
  patient: given,
}: {
  practiceId: string;
  open: boolean;
  onClose: () => void;
  patient?: { id: string; givenName: string; familyName: string };
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [reason, setReason] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [missing, setMissing] = useState<{ patient?: boolean; reason?: boolean }>({});
  const save = useMutation({
    mutationFn: () =>
      retentionApi.setHold(practiceId, {
        patientId: (given ?? patient)!.id,
        reason: reason.trim(),
        endsOn: endsOn || null,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: retentionKeys.all(practiceId) });
      toast(t('legalHolds.setDone'));
      close();
    },
  });
  const close = () => {
    setReason('');
    setEndsOn('');
    setMissing({});
    if (!given) setPatient(null);
    save.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems = { patient: !(given ?? patient), reason: reason.trim() === '' };
    setMissing(problems);
    if (problems.patient || problems.reason) return;
    save.mutate();
  };
  const err = save.error;
  return (
    <Modal open={open} onClose={close} title={t('legalHolds.setTitle')}>
      <form onSubmit={submit} className="stack" noValidate>
        {given ? (
          <p>{t('legalHolds.forPatient', { name: `${given.givenName} ${given.familyName}` })}</p>
        ) : (
          <PatientPicker
            practiceId={practiceId}
            value={patient}
            onChange={setPatient}
            allowNew={false}
            label={t('legalHolds.patient')}
            error={missing.patient ? t('legalHolds.patientRequired') : fieldError(err, 'patientId')}
          />
        )}
        <TextAreaField
          label={t('legalHolds.reason')}
          hint={t('legalHolds.reasonHint')}
          value={reason}
          maxLength={2000}
          required
          onChange={(event) => setReason(event.currentTarget.value)}
          error={missing.reason ? t('legalHolds.reasonRequired') : fieldError(err, 'reason')}
        />
        <TextField
          type="date"
          label={t('legalHolds.endsOnLabel')}
          hint={t('legalHolds.endsOnHint')}
          value={endsOn}
          onChange={(event) => setEndsOn(event.currentTarget.value)}
          error={fieldError(err, 'endsOn')}
        />
        {err && !fieldError(err, 'reason') && !fieldError(err, 'endsOn') && <ErrorAlert error={err} />}
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('legalHolds.setConfirm')}
          </Button>
          <Button onClick={close}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Modal>
  );
}

function LiftHoldDialog({
  practiceId,
  hold,
  onClose,
}: {
  practiceId: string;
  hold: LegalHold | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const lift = useMutation({
    mutationFn: () => retentionApi.liftHold(practiceId, hold!.id, reason.trim()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: retentionKeys.all(practiceId) });
      toast(t('legalHolds.liftDone'));
      close();
    },
  });
  const close = () => {
    setReason('');
    setMissing(false);
    lift.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setMissing(reason.trim() === '');
    if (reason.trim() === '') return;
    lift.mutate();
  };
  return (
    <Modal open={hold !== null} onClose={close} title={t('legalHolds.liftTitle', { name: hold?.patientName ?? '' })}>
      <form onSubmit={submit} className="stack" noValidate>
        <p>{t('legalHolds.liftIntro')}</p>
        <TextAreaField
          label={t('legalHolds.liftReason')}
          value={reason}
          maxLength={2000}
          required
          onChange={(event) => setReason(event.currentTarget.value)}
          error={missing ? t('legalHolds.reasonRequired') : fieldError(lift.error, 'reason')}
        />
        {lift.error && !fieldError(lift.error, 'reason') && <ErrorAlert error={lift.error} />}
        <div className="actions">
          <Button type="submit" variant="danger" busy={lift.isPending}>
            {t('legalHolds.liftConfirm')}
          </Button>
          <Button onClick={close}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Modal>
  );
}
