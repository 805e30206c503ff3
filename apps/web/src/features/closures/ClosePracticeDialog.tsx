import {
  CLOSURE_NOTE_MAX,
  CLOSURE_REASONS,
  type ClosureAnnouncementInput,
  type ClosureReason,
  type ClosurePreview,
  type Provider,
} from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { refreshScheduling } from '../scheduling/scheduling.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { addDays, instantAt, isDay, parseClock } from '../scheduling/zoned-time';
import { closuresApi, refreshClosures } from './closures.api';

interface ClosePracticeDialogProps {
  open: boolean;
  practiceId: string;
  timeZone: string;
  /** The day the dialog starts on (the calendar's). */
  day: string;
  providers: Provider[];
  onClose: () => void;
}

/**
 * "Close the practice…": a day or part of one, why, and (for an illness) whose appointments only.
 * The owner first sees the appointments it would cancel, then confirms; the patients are told on
 * WhatsApp and the announcement's page opens with each one's status.
 */
export function ClosePracticeDialog(props: ClosePracticeDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal open={props.open} title={t('closures.dialog.title')} onClose={props.onClose} wide>
      <ClosePracticeForm {...props} />
    </Modal>
  );
}

interface Draft {
  date: string;
  wholeDay: boolean;
  from: string;
  to: string;
  reason: ClosureReason;
  providerId: string;
  note: string;
}

/** The draft as the server's input; null while the date or times are incomplete. */
function inputOf(draft: Draft, timeZone: string): ClosureAnnouncementInput | null {
  if (!isDay(draft.date)) return null;
  const start = draft.wholeDay
    ? instantAt(draft.date, 0, timeZone)
    : instantAt(draft.date, parseClock(draft.from), timeZone);
  const end = draft.wholeDay
    ? instantAt(addDays(draft.date, 1), 0, timeZone)
    : instantAt(draft.date, parseClock(draft.to), timeZone);
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    reason: draft.reason,
    note: draft.note.trim(),
    providerId: draft.reason === 'dentist_ill' && draft.providerId ? draft.providerId : null,
  };
}

function ClosePracticeForm({ practiceId, timeZone, day, providers, onClose }: ClosePracticeDialogProps) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const fmt = useCalendarFormat(timeZone);
  const fr = (i18n.resolvedLanguage ?? i18n.language) === 'fr';
  const [draft, setDraft] = useState<Draft>({
    date: day,
    wholeDay: true,
    from: '08:00',
    to: '12:00',
    reason: 'weather',
    providerId: '',
    note: '',
  });
  // The preview shown is the one of the draft as it was: any change asks for it again.
  const [preview, setPreview] = useState<{ of: string; answer: ClosurePreview } | null>(null);
  const input = inputOf(draft, timeZone);
  const key = JSON.stringify(input);
  const shown = preview?.of === key ? preview.answer : null;
  const change = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const look = useMutation({
    mutationFn: (body: ClosureAnnouncementInput) => closuresApi.preview(practiceId, body),
    onSuccess: (answer, body) => setPreview({ of: JSON.stringify(body), answer }),
  });
  const close = useMutation({
    mutationFn: (body: ClosureAnnouncementInput) => closuresApi.close(practiceId, body),
    onSuccess: (announcement) => {
      toast(t('closures.dialog.done', { count: announcement.total }));
      void refreshScheduling(queryClient, practiceId);
      void refreshClosures(queryClient, practiceId);
      onClose();
      navigate(`/app/${practiceId}/closures/${announcement.id}`);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!input) return;
    if (shown) close.mutate(input);
    else look.mutate(input);
  };

  return (
    <form onSubmit={submit} aria-describedby="closure-dialog-intro">
      <p id="closure-dialog-intro" className="muted">
        {t('closures.dialog.intro')}
      </p>
      <div className="grid-2 tight">
        <TextField
          label={t('closures.dialog.date')}
          type="date"
          name="date"
          required
          value={draft.date}
          onChange={(e) => change({ date: e.target.value })}
        />
        <SelectField
          label={t('closures.dialog.reason')}
          name="reason"
          value={draft.reason}
          onChange={(e) => change({ reason: e.target.value as ClosureReason })}
        >
          {CLOSURE_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`closures.reasons.${r}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <CheckboxField
        label={t('closures.dialog.wholeDay')}
        name="wholeDay"
        checked={draft.wholeDay}
        onChange={(e) => change({ wholeDay: e.target.checked })}
      />
      {!draft.wholeDay && (
        <div className="grid-2 tight">
          <TextField
            label={t('closures.dialog.from')}
            type="time"
            name="from"
            required
            value={draft.from}
            onChange={(e) => change({ from: e.target.value })}
          />
          <TextField
            label={t('closures.dialog.to')}
            type="time"
            name="to"
            required
            value={draft.to}
            onChange={(e) => change({ to: e.target.value })}
          />
        </div>
      )}
      {draft.reason === 'dentist_ill' && (
        <SelectField
          label={t('closures.dialog.whose')}
          name="providerId"
          value={draft.providerId}
          hint={t('closures.dialog.whoseHint')}
          onChange={(e) => change({ providerId: e.target.value })}
        >
          <option value="">{t('closures.dialog.everyone')}</option>
          {providers
            .filter((p) => p.active)
            .map((p) => (
              <option key={p.userId} value={p.userId}>
                {p.displayName}
              </option>
            ))}
        </SelectField>
      )}
      <TextField
        label={t('closures.dialog.note')}
        name="note"
        maxLength={CLOSURE_NOTE_MAX}
        hint={t('closures.dialog.noteHint')}
        value={draft.note}
        onChange={(e) => change({ note: e.target.value })}
      />

      {shown && (
        <section aria-labelledby="closure-preview-title" className="closure-preview">
          <h3 id="closure-preview-title">{t('closures.dialog.affected', { count: shown.appointments.length })}</h3>
          {shown.appointments.length === 0 ? (
            <p>{t('closures.dialog.noneAffected')}</p>
          ) : (
            <div className="table-wrap">
              <table className="list-table">
                <thead>
                  <tr>
                    <th scope="col">{t('closures.list.time')}</th>
                    <th scope="col">{t('closures.list.patient')}</th>
                    <th scope="col">{t('closures.list.dentist')}</th>
                    <th scope="col">{t('closures.list.visit')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.appointments.map((a) => (
                    <tr key={a.appointmentId}>
                      <td>{fmt.dateTime(a.start)}</td>
                      <td>{a.patientName}</td>
                      <td>{a.providerName}</td>
                      <td>{fr ? a.appointmentTypeName.fr : a.appointmentTypeName.en}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Alert tone="warning">{t('closures.dialog.warning')}</Alert>
        </section>
      )}

      <ErrorAlert error={look.error ?? close.error} />
      <div className="actions dialog-actions">
        {shown ? (
          <Button type="submit" variant="danger" busy={close.isPending}>
            {t('closures.dialog.confirm', { count: shown.appointments.length })}
          </Button>
        ) : (
          <Button type="submit" variant="primary" busy={look.isPending} disabled={!input}>
            {t('closures.dialog.preview')}
          </Button>
        )}
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
