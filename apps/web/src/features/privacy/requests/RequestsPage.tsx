import {
  PRIVACY_REQUEST_TYPES,
  type PatientSummary,
  type PrivacyRequest,
  type PrivacyRequestType,
} from '@dentalpro/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { fieldError } from '../../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/Toast';
import { useDateFormat } from '../../../components/format';
import { usePractice } from '../../practices/practices.api';
import { PatientPicker } from '../../scheduling/PatientPicker';
import { useCurrentPractice } from '../../shell/AppShell';
import { useCreateRequest, usePrivacyRequests } from './requests.api';

/**
 * Privacy → Requests: every rights request of the practice, the open ones first and soonest due
 * first (the server's order: overdue, then due within 7 days, lead), overdue and due-soon ones
 * flagged in words; "New request" records one from the desk (or a letter or email). Owners and reception.
 */
export function RequestsPage() {
  const { t } = useTranslation();
  const { membership } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const [all, setAll] = useState(false);
  const [creating, setCreating] = useState(false);
  const list = usePrivacyRequests(practiceId, { state: all ? 'all' : 'open' });
  return (
    <section className="stack" aria-labelledby="privacy-requests-title">
      <h1 id="privacy-requests-title">{t('privacyRequests.title')}</h1>
      <p className="muted">{t('privacyRequests.intro')}</p>
      <div className="actions">
        <Button variant="primary" onClick={() => setCreating(true)}>
          {t('privacyRequests.new')}
        </Button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={all} onChange={(event) => setAll(event.currentTarget.checked)} />
        {t('privacyRequests.showClosed')}
      </label>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} />
      ) : list.data.requests.length === 0 ? (
        <p>{t('privacyRequests.none')}</p>
      ) : (
        <RequestTable practiceId={practiceId} requests={list.data.requests} />
      )}
      <NewRequestDialog practiceId={practiceId} open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}

export function RequestTable({ practiceId, requests }: { practiceId: string; requests: PrivacyRequest[] }) {
  const { t } = useTranslation();
  const practice = usePractice(practiceId);
  const fmt = useDateFormat(practice.data?.timeZone);
  return (
    <div className="table-wrap">
      <table className="list-table">
        <caption className="visually-hidden">{t('privacyRequests.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('privacyRequests.type')}</th>
            <th scope="col">{t('privacyRequests.patient')}</th>
            <th scope="col">{t('privacyRequests.source')}</th>
            <th scope="col">{t('privacyRequests.received')}</th>
            <th scope="col">{t('privacyRequests.due')}</th>
            <th scope="col">{t('privacyRequests.state')}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={`/app/${practiceId}/privacy/requests/${r.id}`}>{t(`privacyRequests.types.${r.type}`)}</Link>
              </th>
              <td>{r.patient.name}</td>
              <td>{t(`privacyRequests.sources.${r.source}`)}</td>
              <td>{fmt.date(r.receivedAt)}</td>
              <td>
                <DueDate request={r} date={fmt.date(r.dueAt)} />
              </td>
              <td>{t(`privacyRequests.states.${r.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A request's due date, flagged in words (not by colour alone) when overdue or due within 7 days. */
export function DueDate({ request, date }: { request: PrivacyRequest; date: string }) {
  const { t } = useTranslation();
  const r = request;
  return (
    <>
      <span className={r.overdue ? 'request-due is-overdue' : r.dueSoon ? 'request-due is-soon' : 'request-due'}>
        {date}
      </span>
      {(r.overdue || r.dueSoon) && (
        <>
          {' '}
          <span className={`status-pill request-flag ${r.overdue ? 'is-overdue' : 'is-soon'}`}>
            {t(r.overdue ? 'privacyRequests.overdue' : 'privacyRequests.dueSoon')}
          </span>
        </>
      )}
    </>
  );
}

/** Records a request; `patient` fills in the patient (from the patient's page). */
export function NewRequestDialog({
  practiceId,
  open,
  onClose,
  patient: given = null,
}: {
  practiceId: string;
  open: boolean;
  onClose: () => void;
  patient?: PatientSummary | null;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const navigate = useNavigate();
  const [patient, setPatient] = useState<PatientSummary | null>(given);
  const [type, setType] = useState<PrivacyRequestType>('access');
  const [source, setSource] = useState<'staff' | 'email' | 'whatsapp'>('staff');
  const [note, setNote] = useState('');
  const [field, setField] = useState('');
  const [proposedValue, setProposedValue] = useState('');
  const [missing, setMissing] = useState<{ patient?: boolean; change?: boolean }>({});
  const create = useCreateRequest(practiceId);
  const close = () => {
    setPatient(given);
    setType('access');
    setSource('staff');
    setNote('');
    setField('');
    setProposedValue('');
    setMissing({});
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems = {
      patient: !patient,
      change: type === 'correction' && (field.trim() === '' || proposedValue.trim() === ''),
    };
    setMissing(problems);
    if (problems.patient || problems.change) return;
    create.mutate(
      {
        patientId: patient!.id,
        type,
        source,
        note: note.trim(),
        proposedChange: type === 'correction' ? { field: field.trim(), proposedValue: proposedValue.trim() } : null,
      },
      {
        onSuccess: (created) => {
          toast(t('privacyRequests.created'));
          close();
          navigate(`/app/${practiceId}/privacy/requests/${created.id}`);
        },
      },
    );
  };
  const err = create.error;
  return (
    <Modal open={open} onClose={close} title={t('privacyRequests.newTitle')}>
      <form onSubmit={submit} className="stack" noValidate>
        <PatientPicker
          practiceId={practiceId}
          value={patient}
          onChange={setPatient}
          allowNew={false}
          label={t('privacyRequests.patient')}
          error={missing.patient ? t('privacyRequests.patientRequired') : fieldError(err, 'patientId')}
        />
        <SelectField
          label={t('privacyRequests.type')}
          value={type}
          onChange={(event) => setType(event.currentTarget.value as PrivacyRequestType)}
        >
          {PRIVACY_REQUEST_TYPES.map((k) => (
            <option key={k} value={k}>
              {t(`privacyRequests.types.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('privacyRequests.source')}
          value={source}
          onChange={(event) => setSource(event.currentTarget.value as typeof source)}
        >
          {(['staff', 'email', 'whatsapp'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`privacyRequests.sources.${k}`)}
            </option>
          ))}
        </SelectField>
        {type === 'correction' && (
          <>
            <TextField
              label={t('privacyRequests.changeField')}
              hint={t('privacyRequests.changeFieldHint')}
              value={field}
              maxLength={200}
              required
              onChange={(event) => setField(event.currentTarget.value)}
              error={missing.change && field.trim() === '' ? t('privacyRequests.changeRequired') : undefined}
            />
            <TextAreaField
              label={t('privacyRequests.changeValue')}
              value={proposedValue}
              maxLength={2000}
              required
              onChange={(event) => setProposedValue(event.currentTarget.value)}
              error={missing.change && proposedValue.trim() === '' ? t('privacyRequests.changeRequired') : undefined}
            />
          </>
        )}
        <TextAreaField
          label={t('privacyRequests.note')}
          hint={t('privacyRequests.noteHint')}
          value={note}
          maxLength={2000}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={fieldError(err, 'note')}
        />
        {err && !fieldError(err, 'patientId') && <ErrorAlert error={err} />}
        <div className="actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('privacyRequests.record')}
          </Button>
          <Button onClick={close}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Modal>
  );
}
