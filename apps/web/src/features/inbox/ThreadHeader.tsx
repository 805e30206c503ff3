import type { ConversationDetail, PatientSummary } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { StaffListBody } from '../../api/contracts';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPhone, useDayFormat } from '../../components/format';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { PatientPicker } from '../scheduling/PatientPicker';
import { patientName } from '../scheduling/scheduling.api';
import { BookFromConversation } from './BookFromConversation';
import { NeedsPersonFlag, OwnerBadge } from './ConversationListPane';
import { contactName, usePatchConversation } from './inbox.api';
import { type ServiceWindow, windowLabel } from './service-window';

interface ThreadHeaderProps {
  practiceId: string;
  conversation: ConversationDetail;
  headingId: string;
  canReply: boolean;
  windowState: ServiceWindow;
  backTo: { pathname: string; search: string };
  now: number;
}

/** Who the conversation is with, the patient record it belongs to, and who handles it. */
export function ThreadHeader({
  practiceId,
  conversation: c,
  headingId,
  canReply,
  windowState,
  backTo,
  now,
}: ThreadHeaderProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const patch = usePatchConversation(practiceId, c.id);
  const [linking, setLinking] = useState(false);
  const assignId = useId();
  const name = contactName(c, t('inbox.unknownContact'));
  const remaining = windowLabel(windowState);

  const link = (patient: { id: string; name: string }) =>
    patch.mutate(
      { patientId: patient.id },
      {
        onSuccess: () => {
          setLinking(false);
          toast(t('inbox.linked', { name: patient.name }));
        },
      },
    );

  return (
    <header className="thread-head">
      <div className="thread-head-row">
        <div className="thread-title">
          {/* Shown where the list and the conversation take turns (a tablet): the way back, beside the name. */}
          <Link to={backTo} className="thread-back">
            ← {t('inbox.backToList')}
          </Link>
          <h2 id={headingId} tabIndex={-1}>
            {name}
          </h2>
          <p className="thread-sub">
            {c.phone && <span className="mono nowrap">{formatPhone(c.phone)}</span>}
            {c.profileName && c.profileName !== name && <span>{t('inbox.profileName', { name: c.profileName })}</span>}
            <span className={`window-label${remaining.key === 'closed' ? ' is-closed' : ''}`}>
              {remaining.key === 'closed'
                ? t('inbox.window.closed')
                : t('inbox.window.closesIn', { time: t(`inbox.window.${remaining.key}`, { count: remaining.count }) })}
            </span>
            {c.needsHuman && <NeedsPersonFlag handover={c.handover} now={now} />}
          </p>
        </div>
      </div>
      {c.channel.assistantActive && (
        <div className="thread-owner">
          <OwnerBadge owner={c.owner} />
          <span className="muted small">{t(`inbox.handledBy.${c.owner}`)}</span>
          {canReply &&
            (c.owner === 'staff' ? (
              <Button
                variant="secondary"
                busy={patch.isPending && patch.variables?.owner === 'assistant'}
                onClick={() => patch.mutate({ owner: 'assistant' }, { onSuccess: () => toast(t('inbox.handedBack')) })}
              >
                {t('inbox.handBack')}
              </Button>
            ) : (
              <Button
                variant="secondary"
                busy={patch.isPending && patch.variables?.owner === 'staff'}
                onClick={() => patch.mutate({ owner: 'staff' }, { onSuccess: () => toast(t('inbox.tookOver')) })}
              >
                {t('inbox.takeOver')}
              </Button>
            ))}
        </div>
      )}
      {/* Its controls share a wrapping row with the patient record (styles.css), so the messages keep the height. */}
      <div className="thread-controls">
        {canReply ? (
          <>
            <AssignSelect
              id={assignId}
              practiceId={practiceId}
              value={c.assignedTo?.userId ?? ''}
              current={c.assignedTo}
              disabled={patch.isPending}
              onChange={(userId) => patch.mutate({ assignedUserId: userId || null })}
            />
            <label className="checkbox">
              <input
                type="checkbox"
                checked={c.needsHuman}
                disabled={patch.isPending}
                onChange={(e) => patch.mutate({ needsHuman: e.target.checked })}
              />
              {t('inbox.needsHuman')}
            </label>
            <Button
              variant="secondary"
              busy={patch.isPending && patch.variables?.status !== undefined}
              onClick={() => patch.mutate({ status: c.status === 'open' ? 'closed' : 'open' })}
            >
              {c.status === 'open' ? t('inbox.close') : t('inbox.reopen')}
            </Button>
          </>
        ) : (
          <p className="muted small">
            {c.assignedTo ? t('inbox.assignedTo', { name: c.assignedTo.name }) : t('inbox.unassigned')}
            {c.needsHuman && ` · ${t('inbox.needsHuman')}`}
            {` · ${c.status === 'open' ? t('inbox.open') : t('inbox.closed')}`}
          </p>
        )}
      </div>
      <div className="thread-patient">
        {c.patient ? (
          <>
            <Link to={`/app/${practiceId}/patients/${c.patient.id}`} className="thread-patient-link">
              {t('inbox.patientRecord', { name: c.patient.name })}
            </Link>
            <BookFromConversation key={c.patient.id} practiceId={practiceId} patientId={c.patient.id} />
            {canReply && (
              <Button
                variant="ghost"
                busy={patch.isPending && patch.variables?.patientId === null}
                onClick={() => patch.mutate({ patientId: null })}
              >
                {t('inbox.unlink')}
              </Button>
            )}
          </>
        ) : (
          <>
            <span className="muted">{t('inbox.notLinked')}</span>
            {canReply &&
              c.patientMatches.slice(0, 3).map((match) => (
                <Button
                  key={match.id}
                  variant="secondary"
                  busy={patch.isPending && patch.variables?.patientId === match.id}
                  onClick={() => link(match)}
                >
                  {t('inbox.linkTo', { name: match.name })}
                </Button>
              ))}
            {canReply && (
              <Button variant="ghost" onClick={() => setLinking(true)}>
                {t('inbox.linkToPatient')}
              </Button>
            )}
          </>
        )}
      </div>

      <ErrorAlert error={patch.error} />

      <Modal open={linking} title={t('inbox.linkTitle', { name })} onClose={() => setLinking(false)}>
        <LinkPatientForm
          practiceId={practiceId}
          conversation={c}
          busy={patch.isPending}
          error={patch.error}
          onLink={link}
        />
      </Modal>
    </header>
  );
}

function AssignSelect({
  id,
  practiceId,
  value,
  current,
  disabled,
  onChange,
}: {
  id: string;
  practiceId: string;
  value: string;
  current: ConversationDetail['assignedTo'];
  disabled: boolean;
  onChange: (userId: string) => void;
}) {
  const { t } = useTranslation();
  // Same key as Settings → Staff: one cache for the staff list.
  const staff = useQuery({
    queryKey: ['staff', practiceId],
    queryFn: () => api.get<StaffListBody>(`/practices/${practiceId}/staff`),
    staleTime: 5 * 60_000,
  });
  const members = staff.data?.members ?? [];
  return (
    <div className="thread-assign">
      <label htmlFor={id} className="field-label">
        {t('inbox.assign')}
      </label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('inbox.unassigned')}</option>
        {current && !members.some((m) => m.userId === current.userId) && (
          <option value={current.userId}>{current.name}</option>
        )}
        {members.map((member) => (
          <option key={member.userId} value={member.userId}>
            {member.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The patients with this number first, then a search, then "New patient" filled from the WhatsApp contact. */
function LinkPatientForm({
  practiceId,
  conversation: c,
  busy,
  error,
  onLink,
}: {
  practiceId: string;
  conversation: ConversationDetail;
  busy: boolean;
  error: unknown;
  onLink: (patient: { id: string; name: string }) => void;
}) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<PatientSummary | null>(null);
  const formatDay = useDayFormat();
  return (
    <div className="stack">
      {c.patientMatches.length > 0 && (
        <section aria-labelledby="link-matches">
          <h3 id="link-matches">{t('inbox.matchesTitle')}</h3>
          <ul className="plain-list link-matches">
            {c.patientMatches.map((match) => (
              <li key={match.id}>
                <span>
                  <strong>{match.name}</strong>
                  {match.dateOfBirth && <span className="muted small block">{formatDay(match.dateOfBirth)}</span>}
                </span>
                <Button variant="secondary" disabled={busy} onClick={() => onLink(match)}>
                  {t('inbox.link')}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <PatientPicker
        practiceId={practiceId}
        label={t('inbox.findPatient')}
        value={picked}
        newPatient={{ name: c.profileName, phone: c.phone ?? '' }}
        onChange={(patient) => {
          setPicked(patient);
          if (patient) onLink({ id: patient.id, name: patientName(patient) });
        }}
      />
      {picked && busy && <p className="muted">{t('common.working')}</p>}
      <ErrorAlert error={error} />
    </div>
  );
}
