import type { MedicalAlerts } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextAreaField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { fieldError } from '../../components/errors';
import { patientKeys, useMedicalAlerts } from './patients.api';

const GROUPS = ['allergies', 'conditions', 'medications'] as const;

/** Allergies, conditions and medications, in red above every tab: the first thing seen before treating. */
export function MedicalAlertsBanner({
  practiceId,
  patientId,
  canWrite,
}: {
  practiceId: string;
  patientId: string;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const alerts = useMedicalAlerts(practiceId, patientId, true);
  const [editing, setEditing] = useState(false);
  if (alerts.isPending) return null;
  if (alerts.isError) return <ErrorAlert error={alerts.error} />;
  const a = alerts.data;
  const any = GROUPS.some((g) => a[g].length > 0);
  return (
    <section className={`medical-alerts${any ? ' has-alerts' : ''}`} aria-labelledby="medical-alerts-heading">
      <div className="medical-alerts-head">
        <h2 id="medical-alerts-heading">
          {any && (
            <span aria-hidden="true" className="medical-alerts-icon">
              !
            </span>
          )}
          {t('patientRecord.alerts.title')}
        </h2>
        {canWrite && <Button onClick={() => setEditing(true)}>{t('patientRecord.alerts.edit')}</Button>}
      </div>
      {any ? (
        <dl className="medical-alerts-list">
          {GROUPS.filter((g) => a[g].length > 0).map((g) => (
            <div key={g}>
              <dt>{t(`patientRecord.alerts.${g}`)}</dt>
              <dd>{a[g].join(', ')}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">{t('patientRecord.alerts.none')}</p>
      )}
      <Modal open={editing} title={t('patientRecord.alerts.editTitle')} onClose={() => setEditing(false)}>
        <AlertsForm practiceId={practiceId} patientId={patientId} alerts={a} onDone={() => setEditing(false)} />
      </Modal>
    </section>
  );
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

function AlertsForm({
  practiceId,
  patientId,
  alerts,
  onDone,
}: {
  practiceId: string;
  patientId: string;
  alerts: MedicalAlerts;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [text, setText] = useState(
    () => Object.fromEntries(GROUPS.map((g) => [g, alerts[g].join('\n')])) as Record<(typeof GROUPS)[number], string>,
  );
  const save = useMutation({
    mutationFn: () =>
      api.put<MedicalAlerts>(`/practices/${practiceId}/patients/${patientId}/alerts`, {
        allergies: lines(text.allergies),
        conditions: lines(text.conditions),
        medications: lines(text.medications),
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(patientKeys.alerts(practiceId, patientId), saved);
      void queryClient.invalidateQueries({ queryKey: patientKeys.patient(practiceId, patientId) });
      toast(t('patientRecord.alerts.saved'));
      onDone();
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {GROUPS.map((g) => (
        <TextAreaField
          key={g}
          label={t(`patientRecord.alerts.${g}`)}
          hint={t('patientRecord.alerts.onePerLine')}
          value={text[g]}
          rows={3}
          onChange={(e) => setText({ ...text, [g]: e.target.value })}
          error={fieldError(save.error, g)}
        />
      ))}
      <ErrorAlert error={save.error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('common.save')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
