import { type PrivacyRequest, VerificationMethod } from '@dentalpro/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { SelectField, TextAreaField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { useToast } from '../../../components/Toast';
import { useDateFormat } from '../../../components/format';
import { usePractice } from '../../practices/practices.api';
import { useCurrentPractice } from '../../shell/AppShell';
import { exportUrl, useExportLink, useExportLinkDelivery, usePrivacyRequest, useRequestStep } from './requests.api';

/**
 * One rights request and its steps: verify the identity (how, and a note), approve or refuse with
 * a reason (owners, for access and deletion), close it when done, and for an approved access
 * request, download the copy of the data to hand over at the desk (owners).
 */
export function RequestPage() {
  const { t } = useTranslation();
  const { membership } = useCurrentPractice();
  const { requestId = '' } = useParams();
  const practiceId = membership.practiceId;
  const request = usePrivacyRequest(practiceId, requestId);
  return (
    <section className="stack" aria-labelledby="privacy-request-title">
      <p>
        <Link to={`/app/${practiceId}/privacy/requests`}>{t('privacyRequests.back')}</Link>
      </p>
      {request.isPending ? (
        <Loading />
      ) : request.isError ? (
        <ErrorAlert error={request.error} />
      ) : (
        <RequestDetail practiceId={practiceId} request={request.data} />
      )}
    </section>
  );
}

function RequestDetail({ practiceId, request: r }: { practiceId: string; request: PrivacyRequest }) {
  const { t } = useTranslation();
  const { can } = useCurrentPractice();
  const practice = usePractice(practiceId);
  const fmt = useDateFormat(practice.data?.timeZone);
  const open = r.state === 'received' || r.state === 'identity_verified' || r.state === 'in_progress';
  const needsOwner = r.type === 'access' || r.type === 'deletion';
  const mayApprove = !needsOwner || can('privacy:approve');
  return (
    <>
      <h1 id="privacy-request-title">
        {t('privacyRequests.heading', { type: t(`privacyRequests.types.${r.type}`), name: r.patient.name })}
      </h1>
      <dl className="summary">
        <dt>{t('privacyRequests.patient')}</dt>
        <dd>
          <Link to={`/app/${practiceId}/patients/${r.patient.id}`}>{r.patient.name}</Link>
        </dd>
        <dt>{t('privacyRequests.state')}</dt>
        <dd>{t(`privacyRequests.states.${r.state}`)}</dd>
        <dt>{t('privacyRequests.source')}</dt>
        <dd>{t(`privacyRequests.sources.${r.source}`)}</dd>
        <dt>{t('privacyRequests.received')}</dt>
        <dd>{fmt.dateTime(r.receivedAt)}</dd>
        <dt>{t('privacyRequests.due')}</dt>
        <dd className={r.overdue ? 'request-due is-overdue' : 'request-due'}>
          {fmt.date(r.dueAt)}
          {r.overdue && <> · {t('privacyRequests.overdue')}</>}
        </dd>
        {r.note && (
          <>
            <dt>{t('privacyRequests.note')}</dt>
            <dd>{r.note}</dd>
          </>
        )}
        {r.proposedChange && (
          <>
            <dt>{t('privacyRequests.proposedChange')}</dt>
            <dd>
              {t('privacyRequests.changeText', {
                field: r.proposedChange.field,
                value: r.proposedChange.proposedValue,
              })}
            </dd>
          </>
        )}
        {r.verification && (
          <>
            <dt>{t('privacyRequests.verification')}</dt>
            <dd>
              {t(`privacyRequests.methods.${r.verification.method}`)}
              {r.verification.note && <> — {r.verification.note}</>}
              <span className="sub-line">
                {t('privacyRequests.byOn', {
                  name: r.verification.by?.name ?? '',
                  when: fmt.dateTime(r.verification.at),
                })}
              </span>
            </dd>
          </>
        )}
        {r.approvedAt && (
          <>
            <dt>{t('privacyRequests.approved')}</dt>
            <dd>{t('privacyRequests.byOn', { name: r.approvedBy?.name ?? '', when: fmt.dateTime(r.approvedAt) })}</dd>
          </>
        )}
        {r.refusedReason && (
          <>
            <dt>{t('privacyRequests.refusedReason')}</dt>
            <dd>{r.refusedReason}</dd>
          </>
        )}
      </dl>
      {r.state === 'received' && <VerifyForm practiceId={practiceId} requestId={r.id} />}
      {r.state === 'identity_verified' &&
        (mayApprove ? (
          <ApproveStep practiceId={practiceId} request={r} />
        ) : (
          <Alert tone="info">{t('privacyRequests.ownersApprove')}</Alert>
        ))}
      {r.state === 'in_progress' && r.type !== 'access' && <FulfilStep practiceId={practiceId} requestId={r.id} />}
      {r.exportReady && can('privacy:approve') && (
        <section className="stack" aria-labelledby="privacy-export-title">
          <h2 id="privacy-export-title">{t('privacyRequests.exportTitle')}</h2>
          <p>{t('privacyRequests.exportHint')}</p>
          <p>
            <a className="button button-primary" href={exportUrl(practiceId, r.id)} download>
              {t('privacyRequests.download')}
            </a>
          </p>
          <SendLink practiceId={practiceId} requestId={r.id} />
        </section>
      )}
      {open && can('privacy:approve') && <RefuseForm practiceId={practiceId} requestId={r.id} />}
    </>
  );
}

function VerifyForm({ practiceId, requestId }: { practiceId: string; requestId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const step = useRequestStep(practiceId, requestId);
  const [method, setMethod] = useState<VerificationMethod>('id_document');
  const [note, setNote] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    step.mutate(
      { step: 'verify', body: { method, note: note.trim() } },
      { onSuccess: () => toast(t('privacyRequests.verified')) },
    );
  };
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="privacy-verify-title" noValidate>
      <h2 id="privacy-verify-title">{t('privacyRequests.verifyTitle')}</h2>
      <SelectField
        label={t('privacyRequests.method')}
        value={method}
        onChange={(event) => setMethod(event.currentTarget.value as VerificationMethod)}
      >
        {VerificationMethod.options.map((m) => (
          <option key={m} value={m}>
            {t(`privacyRequests.methods.${m}`)}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        label={t('privacyRequests.verifyNote')}
        hint={t('privacyRequests.verifyNoteHint')}
        value={note}
        maxLength={1000}
        onChange={(event) => setNote(event.currentTarget.value)}
      />
      {step.error && <ErrorAlert error={step.error} />}
      <div className="actions">
        <Button type="submit" variant="primary" busy={step.isPending}>
          {t('privacyRequests.verify')}
        </Button>
      </div>
    </form>
  );
}

function ApproveStep({ practiceId, request }: { practiceId: string; request: PrivacyRequest }) {
  const { t } = useTranslation();
  const toast = useToast();
  const step = useRequestStep(practiceId, request.id);
  return (
    <section className="stack" aria-labelledby="privacy-approve-title">
      <h2 id="privacy-approve-title">{t('privacyRequests.approveTitle')}</h2>
      <p>{t(`privacyRequests.approveHint.${request.type}`)}</p>
      {step.error && <ErrorAlert error={step.error} />}
      <div className="actions">
        <Button
          variant="primary"
          busy={step.isPending}
          onClick={() =>
            step.mutate({ step: 'approve' }, { onSuccess: () => toast(t('privacyRequests.approvedDone')) })
          }
        >
          {t('privacyRequests.approve')}
        </Button>
      </div>
    </section>
  );
}

function FulfilStep({ practiceId, requestId }: { practiceId: string; requestId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const step = useRequestStep(practiceId, requestId);
  return (
    <section className="stack" aria-labelledby="privacy-fulfil-title">
      <h2 id="privacy-fulfil-title">{t('privacyRequests.fulfilTitle')}</h2>
      {step.error && <ErrorAlert error={step.error} />}
      <div className="actions">
        <Button
          variant="primary"
          busy={step.isPending}
          onClick={() => step.mutate({ step: 'fulfil' }, { onSuccess: () => toast(t('privacyRequests.fulfilled')) })}
        >
          {t('privacyRequests.fulfil')}
        </Button>
      </div>
    </section>
  );
}

function RefuseForm({ practiceId, requestId }: { practiceId: string; requestId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const step = useRequestStep(practiceId, requestId);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (reason.trim() === '') return setMissing(true);
    setMissing(false);
    step.mutate({ step: 'refuse', reason: reason.trim() }, { onSuccess: () => toast(t('privacyRequests.refused')) });
  };
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="privacy-refuse-title" noValidate>
      <h2 id="privacy-refuse-title">{t('privacyRequests.refuseTitle')}</h2>
      <TextAreaField
        label={t('privacyRequests.refuseReason')}
        hint={t('privacyRequests.refuseReasonHint')}
        value={reason}
        maxLength={2000}
        required
        onChange={(event) => setReason(event.currentTarget.value)}
        error={missing ? t('privacyRequests.reasonRequired') : undefined}
      />
      {step.error && <ErrorAlert error={step.error} />}
      <div className="actions">
        <Button type="submit" variant="danger" busy={step.isPending}>
          {t('privacyRequests.refuse')}
        </Button>
      </div>
    </form>
  );
}

function SendLink({ practiceId, requestId }: { practiceId: string; requestId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const delivery = useExportLinkDelivery(practiceId, requestId);
  const send = useExportLink(practiceId, requestId);
  // Outside WhatsApp's 24-hour window only a template may be sent: the link follows the patient's tap.
  const template = delivery.data?.via === 'template';
  return (
    <>
      <p className="muted">{t('privacyRequests.sendLinkHint')}</p>
      {template && <p>{t('privacyRequests.sendLinkTemplateHint')}</p>}
      {send.error && <ErrorAlert error={send.error} />}
      <div className="actions">
        <Button
          busy={send.isPending}
          disabled={delivery.isPending}
          onClick={() =>
            send.mutate(undefined, {
              onSuccess: (sent) =>
                toast(t(sent.via === 'template' ? 'privacyRequests.invitationSent' : 'privacyRequests.linkSent')),
            })
          }
        >
          {t(template ? 'privacyRequests.sendLinkTemplate' : 'privacyRequests.sendLink')}
        </Button>
      </div>
    </>
  );
}
