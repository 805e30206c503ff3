import type { Appointment, ClinicalNote } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { useDateFormat } from '../../components/format';
import { clinicalKeys, recordPath, useNotes } from './clinical.api';

interface NotesTabProps {
  practiceId: string;
  patientId: string;
  timeZone: string;
  appointments: Appointment[];
  canWrite: boolean;
  canSign: boolean;
}

export function NotesTab({ practiceId, patientId, timeZone, appointments, canWrite, canSign }: NotesTabProps) {
  const { t } = useTranslation();
  const notes = useNotes(practiceId, patientId);
  const [writing, setWriting] = useState(false);
  const fmt = useDateFormat(timeZone);
  const newestFirst = [...appointments].sort((a, b) => b.start.localeCompare(a.start));
  return (
    <section aria-labelledby="notes-heading" className="stack">
      <div className="page-head">
        <h2 id="notes-heading" className="section-title">
          {t('clinical.notes.title')}
        </h2>
        {canWrite && !writing && (
          <Button variant="primary" onClick={() => setWriting(true)}>
            + {t('clinical.notes.new')}
          </Button>
        )}
      </div>
      {writing && (
        <NoteForm
          practiceId={practiceId}
          patientId={patientId}
          appointments={newestFirst}
          formatDateTime={fmt.dateTime}
          onDone={() => setWriting(false)}
        />
      )}
      {notes.isPending ? (
        <Loading />
      ) : notes.isError ? (
        <ErrorAlert error={notes.error} />
      ) : notes.data.items.length === 0 ? (
        <p className="muted">{t('clinical.notes.empty')}</p>
      ) : (
        <ol className="note-list">
          {notes.data.items.map((note) => (
            <li key={note.id}>
              <NoteCard
                note={note}
                practiceId={practiceId}
                patientId={patientId}
                appointments={newestFirst}
                formatDateTime={fmt.dateTime}
                formatDay={fmt.day}
                canWrite={canWrite}
                canSign={canSign}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

interface NoteFormProps {
  practiceId: string;
  patientId: string;
  appointments: Appointment[];
  formatDateTime: (iso: string) => string;
  note?: ClinicalNote;
  onDone: () => void;
}

function NoteForm({ practiceId, patientId, appointments, formatDateTime, note, onDone }: NoteFormProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [body, setBody] = useState(note?.body ?? '');
  const [appointmentId, setAppointmentId] = useState(note?.appointmentId ?? '');
  const save = useMutation({
    mutationFn: () => {
      const input = { body: body.trim(), appointmentId: appointmentId || null };
      return note
        ? api.patch<ClinicalNote>(`${recordPath(practiceId, patientId)}/notes/${note.id}`, input)
        : api.post<ClinicalNote>(`${recordPath(practiceId, patientId)}/notes`, input);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.notes(practiceId, patientId) });
      onDone();
    },
  });
  return (
    <form
      className="card form-card stack"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <TextAreaField
        label={t('clinical.notes.body')}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        rows={6}
        required
        maxLength={20000}
        autoFocus
      />
      <SelectField
        label={t('clinical.notes.appointment')}
        value={appointmentId}
        onChange={(e) => setAppointmentId(e.target.value)}
      >
        <option value="">{t('clinical.notes.noAppointment')}</option>
        {appointments.map((a) => (
          <option key={a.id} value={a.id}>
            {formatDateTime(a.start)} — {t(`calendar.status.${a.status}`)}
          </option>
        ))}
      </SelectField>
      <ErrorAlert error={save.error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {note ? t('common.save') : t('clinical.notes.saveDraft')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

interface NoteCardProps {
  note: ClinicalNote;
  practiceId: string;
  patientId: string;
  appointments: Appointment[];
  formatDateTime: (iso: string) => string;
  /** A calendar date (the visit date). */
  formatDay: (day: string) => string;
  canWrite: boolean;
  canSign: boolean;
}

function NoteCard({
  note,
  practiceId,
  patientId,
  appointments,
  formatDateTime,
  formatDay,
  canWrite,
  canSign,
}: NoteCardProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirmSign, setConfirmSign] = useState(false);
  const [addendum, setAddendum] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: clinicalKeys.notes(practiceId, patientId) });
  const sign = useMutation({
    mutationFn: () => api.post<ClinicalNote>(`${recordPath(practiceId, patientId)}/notes/${note.id}/sign`),
    onSuccess: async () => {
      await refresh();
      setConfirmSign(false);
      toast(t('clinical.notes.signedToast'));
    },
  });
  const addAddendum = useMutation({
    mutationFn: () =>
      api.post<ClinicalNote>(`${recordPath(practiceId, patientId)}/notes/${note.id}/addenda`, {
        body: (addendum ?? '').trim(),
      }),
    onSuccess: async () => {
      await refresh();
      setAddendum(null);
    },
  });
  const appointment = appointments.find((a) => a.id === note.appointmentId);
  const signed = note.status === 'signed';
  if (editing) {
    return (
      <NoteForm
        practiceId={practiceId}
        patientId={patientId}
        appointments={appointments}
        formatDateTime={formatDateTime}
        note={note}
        onDone={() => setEditing(false)}
      />
    );
  }
  return (
    <article
      className={`card note-card note-${note.status}`}
      aria-label={t('clinical.notes.noteOf', { date: formatDay(note.visitDate) })}
    >
      <header className="note-head">
        <span className={`status-pill note-status-${note.status}`}>{t(`clinical.notes.status.${note.status}`)}</span>
        <span>
          <strong>{note.authorName ?? '—'}</strong> · {formatDateTime(note.createdAt)}
        </span>
        {appointment && (
          <Link to={`../appointments`} relative="path" className="small">
            {t('clinical.notes.forAppointment', { when: formatDateTime(appointment.start) })}
          </Link>
        )}
      </header>
      <p className="note-body">{note.body}</p>
      {signed && note.signedAt && (
        <p className="muted small">
          {t('clinical.notes.signedBy', { name: note.signedByName ?? '—', when: formatDateTime(note.signedAt) })}
        </p>
      )}
      {note.addenda.length > 0 && (
        <ol className="addenda" aria-label={t('clinical.notes.addenda')}>
          {note.addenda.map((a) => (
            <li key={a.id} className="addendum">
              <p className="small muted">
                {t('clinical.notes.addendumBy', { name: a.authorName ?? '—', when: formatDateTime(a.createdAt) })}
              </p>
              <p className="note-body">{a.body}</p>
            </li>
          ))}
        </ol>
      )}
      <ErrorAlert error={sign.error} />
      {addendum !== null ? (
        <form
          className="stack"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            addAddendum.mutate();
          }}
        >
          <TextAreaField
            label={t('clinical.notes.addendum')}
            value={addendum}
            onChange={(e) => setAddendum(e.target.value)}
            required
            rows={4}
            autoFocus
          />
          <ErrorAlert error={addAddendum.error} />
          <div className="actions">
            <Button type="submit" variant="primary" busy={addAddendum.isPending}>
              {t('clinical.notes.saveAddendum')}
            </Button>
            <Button onClick={() => setAddendum(null)}>{t('common.cancel')}</Button>
          </div>
        </form>
      ) : (
        <div className="actions">
          {!signed && canWrite && <Button onClick={() => setEditing(true)}>{t('clinical.notes.edit')}</Button>}
          {!signed && canSign && (
            <Button variant="primary" onClick={() => setConfirmSign(true)}>
              {t('clinical.notes.sign')}
            </Button>
          )}
          {signed && canWrite && <Button onClick={() => setAddendum('')}>+ {t('clinical.notes.addAddendum')}</Button>}
        </div>
      )}
      <ConfirmDialog
        open={confirmSign}
        title={t('clinical.notes.signTitle')}
        confirmLabel={t('clinical.notes.signConfirm')}
        tone="primary"
        busy={sign.isPending}
        onConfirm={() => sign.mutate()}
        onCancel={() => setConfirmSign(false)}
      >
        <p>{t('clinical.notes.signWarning')}</p>
      </ConfirmDialog>
    </article>
  );
}
