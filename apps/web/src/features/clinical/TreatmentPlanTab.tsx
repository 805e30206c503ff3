import type { Procedure, TreatmentItem, TreatmentPlan } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { clinicalKeys, recordPath, useMoney, usePriceList, useProcedureName, useTreatmentPlans } from './clinical.api';
import { type StoredSurface, orderSurfaces, surfaceLetter, surfacesOfTooth } from './fdi';

interface TreatmentPlanTabProps {
  practiceId: string;
  patientId: string;
  canWrite: boolean;
  canManagePriceList: boolean;
}

export function TreatmentPlanTab({ practiceId, patientId, canWrite, canManagePriceList }: TreatmentPlanTabProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const plans = useTreatmentPlans(practiceId, patientId);
  const priceList = usePriceList(practiceId);
  const [title, setTitle] = useState('');
  const [creating, setCreating] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api.post<TreatmentPlan>(`${recordPath(practiceId, patientId)}/treatment-plans`, { title: title.trim() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.plans(practiceId, patientId) });
      setTitle('');
      setCreating(false);
    },
  });
  const importDefaults = useMutation({
    mutationFn: () => api.post(`/practices/${practiceId}/price-list/import-defaults`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicalKeys.priceList(practiceId) }),
  });
  const procedures = priceList.data?.items ?? [];

  return (
    <section aria-labelledby="plan-heading" className="stack">
      <div className="page-head">
        <h2 id="plan-heading" className="section-title">
          {t('clinical.plan.title')}
        </h2>
        {canWrite && !creating && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            + {t('clinical.plan.newPlan')}
          </Button>
        )}
      </div>
      {priceList.isSuccess && procedures.length === 0 && (
        <div className="alert alert-warning" role="status">
          <div className="alert-body">
            <p className="alert-title">{t('clinical.plan.priceListEmpty')}</p>
            {canManagePriceList ? (
              <>
                <Button variant="primary" busy={importDefaults.isPending} onClick={() => importDefaults.mutate()}>
                  {t('clinical.plan.importDefaults')}
                </Button>
                <ErrorAlert error={importDefaults.error} />
              </>
            ) : (
              <p>{t('clinical.plan.askOwnerPriceList')}</p>
            )}
          </div>
        </div>
      )}
      {creating && (
        <form
          className="card form-card stack"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <TextField
            label={t('clinical.plan.planTitle')}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            maxLength={200}
            autoFocus
          />
          <ErrorAlert error={create.error} />
          <div className="actions">
            <Button type="submit" variant="primary" busy={create.isPending}>
              {t('clinical.plan.createPlan')}
            </Button>
            <Button onClick={() => setCreating(false)}>{t('common.cancel')}</Button>
          </div>
        </form>
      )}
      {plans.isPending ? (
        <Loading />
      ) : plans.isError ? (
        <ErrorAlert error={plans.error} />
      ) : plans.data.items.length === 0 ? (
        <p className="muted">{t('clinical.plan.empty')}</p>
      ) : (
        plans.data.items.map((plan) => (
          <PlanCard
            key={plan.id}
            plan={plan}
            practiceId={practiceId}
            patientId={patientId}
            canWrite={canWrite}
            procedures={procedures}
          />
        ))
      )}
    </section>
  );
}

interface PlanCardProps {
  plan: TreatmentPlan;
  practiceId: string;
  patientId: string;
  canWrite: boolean;
  procedures: Procedure[];
}

function PlanCard({ plan, practiceId, patientId, canWrite, procedures }: PlanCardProps) {
  const { t } = useTranslation();
  const money = useMoney();
  const procedureName = useProcedureName();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<TreatmentItem | null>(null);
  const open = ['draft', 'presented', 'accepted'].includes(plan.status);
  const setStatus = useMutation({
    mutationFn: (input: { item: TreatmentItem; status: 'accepted' | 'completed' | 'declined' }) =>
      api.post<TreatmentPlan>(
        `${recordPath(practiceId, patientId)}/treatment-plans/${plan.id}/items/${input.item.id}/status`,
        { status: input.status },
      ),
    onSuccess: async (_plan, input) => {
      // Completing charts the result: the chart must show it.
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.all(practiceId, patientId) });
      toast(t(`clinical.plan.itemNow.${input.status}`, { name: procedureName(input.item) }));
    },
  });
  const headingId = `plan-${plan.id}`;
  const items = [...plan.items].sort((a, b) => a.phase - b.phase);
  return (
    <article className="card plan-card" aria-labelledby={headingId}>
      <div className="page-head">
        <h3 id={headingId}>
          {plan.title}{' '}
          <span className={`status-pill plan-status-${plan.status}`}>{t(`clinical.plan.status.${plan.status}`)}</span>
        </h3>
        {canWrite && open && !adding && <Button onClick={() => setAdding(true)}>+ {t('clinical.plan.addItem')}</Button>}
      </div>
      {adding && (
        <AddItemForm
          plan={plan}
          practiceId={practiceId}
          patientId={patientId}
          procedures={procedures}
          onDone={() => setAdding(false)}
        />
      )}
      <ErrorAlert error={setStatus.error} />
      {items.length === 0 ? (
        <p className="muted">{t('clinical.plan.noItems')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('clinical.plan.phase')}</th>
                <th scope="col">{t('clinical.plan.procedure')}</th>
                <th scope="col">{t('clinical.chart.tooth')}</th>
                <th scope="col">{t('clinical.chart.surfaces')}</th>
                <th scope="col" className="num">
                  {t('clinical.plan.fee')}
                </th>
                <th scope="col">{t('clinical.plan.itemStatusLabel')}</th>
                {canWrite && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const busy = (status: string) =>
                  setStatus.isPending &&
                  setStatus.variables?.item.id === item.id &&
                  setStatus.variables.status === status;
                const label = `${procedureName(item)}${item.tooth ? ` ${item.tooth}` : ''}`;
                return (
                  <tr key={item.id}>
                    <td>{item.phase}</td>
                    <th scope="row">
                      {procedureName(item)} <span className="muted small mono">{item.procedureCode}</span>
                      {item.notes && <span className="block small muted pre-line item-notes">{item.notes}</span>}
                    </th>
                    <td>{item.tooth ?? '—'}</td>
                    <td className="mono">
                      {item.tooth ? item.surfaces.map((s) => surfaceLetter(item.tooth!, s)).join('') || '—' : '—'}
                    </td>
                    <td className="num">{money(item.feeMinor)}</td>
                    <td>
                      <span className={`status-pill item-status-${item.status}`}>
                        {t(`clinical.plan.itemStatus.${item.status}`)}
                      </span>
                    </td>
                    {canWrite && (
                      // A table cell holding a row of buttons: a flex cell would leave the table's columns and borders (issue 16).
                      <td className="plan-actions">
                        <div className="row-actions">
                          {open && (item.status === 'planned' || item.status === 'declined') && (
                            <Button
                              busy={busy('accepted')}
                              aria-label={`${t('clinical.plan.accept')}: ${label}`}
                              onClick={() => setStatus.mutate({ item, status: 'accepted' })}
                            >
                              {t('clinical.plan.accept')}
                            </Button>
                          )}
                          {open && item.status === 'accepted' && (
                            <Button
                              variant="primary"
                              busy={busy('completed')}
                              aria-label={`${t('clinical.plan.complete')}: ${label}`}
                              onClick={() => setStatus.mutate({ item, status: 'completed' })}
                            >
                              {t('clinical.plan.complete')}
                            </Button>
                          )}
                          {open && (item.status === 'planned' || item.status === 'accepted') && (
                            <Button
                              variant="ghost"
                              busy={busy('declined')}
                              aria-label={`${t('clinical.plan.decline')}: ${label}`}
                              onClick={() => setStatus.mutate({ item, status: 'declined' })}
                            >
                              {t('clinical.plan.decline')}
                            </Button>
                          )}
                          {item.status !== 'completed' && (
                            <Button
                              variant="ghost"
                              aria-label={`${t('clinical.plan.editItem')}: ${label}`}
                              onClick={() => setEditing(item)}
                            >
                              {t('clinical.plan.editItem')}
                            </Button>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        open={editing !== null}
        title={editing ? t('clinical.plan.editItemTitle', { name: procedureName(editing) }) : ''}
        onClose={() => setEditing(null)}
      >
        {editing && (
          <EditItemForm
            plan={plan}
            item={editing}
            practiceId={practiceId}
            patientId={patientId}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
      <dl className="summary compact plan-totals">
        {(['planned', 'accepted', 'completed', 'declined'] as const).map((status) => (
          <div key={status}>
            <dt>{t(`clinical.plan.itemStatus.${status}`)}</dt>
            <dd>{money(plan.totals[`${status}Minor`])}</dd>
          </div>
        ))}
        <div>
          <dt>{t('clinical.plan.total')}</dt>
          <dd>
            <strong>{money(plan.totals.totalMinor)}</strong>
          </dd>
        </div>
      </dl>
    </article>
  );
}

interface AddItemFormProps {
  plan: TreatmentPlan;
  practiceId: string;
  patientId: string;
  procedures: Procedure[];
  onDone: () => void;
}

function AddItemForm({ plan, practiceId, patientId, procedures, onDone }: AddItemFormProps) {
  const { t } = useTranslation();
  const money = useMoney();
  const procedureName = useProcedureName();
  const queryClient = useQueryClient();
  const [procedureId, setProcedureId] = useState('');
  const [tooth, setTooth] = useState('');
  const [surfaces, setSurfaces] = useState<StoredSurface[]>([]);
  const [phase, setPhase] = useState('1');
  const [submitted, setSubmitted] = useState(false);
  const toothNumber = toothOf(tooth);
  const add = useMutation({
    mutationFn: () =>
      api.post<TreatmentPlan>(`${recordPath(practiceId, patientId)}/treatment-plans/${plan.id}/items`, {
        procedureId,
        tooth: toothNumber,
        surfaces: toothNumber ? surfaces : [],
        phase: Number(phase) || 1,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.plans(practiceId, patientId) });
      onDone();
    },
  });
  return (
    <form
      className="card-inset stack"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setSubmitted(true);
        if (!toothUnreadable(tooth)) add.mutate();
      }}
    >
      <SelectField
        label={t('clinical.plan.procedure')}
        value={procedureId}
        onChange={(e) => setProcedureId(e.target.value)}
        required
      >
        <option value="">{t('clinical.plan.pickProcedure')}</option>
        {procedures.map((p) => (
          <option key={p.id} value={p.id}>
            {p.code} — {procedureName(p)} ({money(p.feeMinor)})
          </option>
        ))}
      </SelectField>
      <div className="form-row">
        <ToothField
          tooth={tooth}
          onChange={(value) => {
            setTooth(value);
            setSurfaces([]);
          }}
          error={add.error}
          submitted={submitted}
        />
        <TextField
          label={t('clinical.plan.phase')}
          type="number"
          min={1}
          max={20}
          value={phase}
          onChange={(e) => setPhase(e.target.value)}
        />
      </div>
      {toothNumber && <SurfacePicker tooth={toothNumber} surfaces={surfaces} onChange={setSurfaces} />}
      <ErrorAlert error={add.error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={add.isPending}>
          {t('clinical.plan.addItem')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

interface EditItemFormProps {
  plan: TreatmentPlan;
  item: TreatmentItem;
  practiceId: string;
  patientId: string;
  onDone: () => void;
}

/** What the server lets change: tooth and surfaces while the item is planned; phase and notes until it is completed. */
function EditItemForm({ plan, item, practiceId, patientId, onDone }: EditItemFormProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const toast = useToast();
  const procedureName = useProcedureName();
  const movable = item.status === 'planned';
  const [tooth, setTooth] = useState(item.tooth === null ? '' : String(item.tooth));
  const [surfaces, setSurfaces] = useState<StoredSurface[]>(item.surfaces);
  const [phase, setPhase] = useState(String(item.phase));
  const [notes, setNotes] = useState(item.notes ?? '');
  const [submitted, setSubmitted] = useState(false);
  const toothNumber = toothOf(tooth);
  const save = useMutation({
    mutationFn: () =>
      api.patch<TreatmentPlan>(`${recordPath(practiceId, patientId)}/treatment-plans/${plan.id}/items/${item.id}`, {
        ...(movable ? { tooth: toothNumber, surfaces: toothNumber ? surfaces : [] } : {}),
        phase: Number(phase) || 1,
        notes: notes.trim(),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.plans(practiceId, patientId) });
      toast(t('clinical.plan.itemSaved', { name: procedureName(item) }));
      onDone();
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setSubmitted(true);
        if (!(movable && toothUnreadable(tooth))) save.mutate();
      }}
    >
      {movable ? (
        <>
          <ToothField
            tooth={tooth}
            onChange={(value) => {
              setTooth(value);
              // Surfaces belong to one tooth: a different tooth starts again.
              setSurfaces(toothOf(value) === item.tooth ? item.surfaces : []);
            }}
            error={save.error}
            submitted={submitted}
          />
          {toothNumber && <SurfacePicker tooth={toothNumber} surfaces={surfaces} onChange={setSurfaces} />}
        </>
      ) : (
        <p className="muted">
          {t('clinical.plan.toothLocked', { status: t(`clinical.plan.itemStatus.${item.status}`) })}
        </p>
      )}
      <TextField
        label={t('clinical.plan.phase')}
        type="number"
        min={1}
        max={20}
        value={phase}
        onChange={(e) => setPhase(e.target.value)}
        required
      />
      <TextAreaField
        label={t('clinical.plan.itemNotes')}
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
        maxLength={4000}
      />
      <ErrorAlert error={save.error} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('common.save')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

/** The tooth as typed: an FDI number of two digits, or null (the whole mouth). The server judges which numbers exist. */
function toothOf(typed: string): number | null {
  return /^\d{2}$/.test(typed.trim()) ? Number(typed.trim()) : null;
}

/** Typed but not a tooth number: refused here rather than sent as "the whole mouth". */
const toothUnreadable = (typed: string) => typed.trim() !== '' && toothOf(typed) === null;

/** `submitted`: the form was sent once, so a tooth that cannot be read is pointed out. */
function ToothField({
  tooth,
  onChange,
  error,
  submitted,
}: {
  tooth: string;
  onChange: (tooth: string) => void;
  error: unknown;
  submitted: boolean;
}) {
  const { t } = useTranslation();
  const unreadable = submitted && toothUnreadable(tooth);
  return (
    <TextField
      label={t('clinical.chart.tooth')}
      hint={t('clinical.plan.toothHint')}
      value={tooth}
      onChange={(e) => onChange(e.target.value)}
      inputMode="numeric"
      maxLength={2}
      error={unreadable || isApiError(error, 'invalid_tooth') ? t('errors.invalid_tooth') : undefined}
    />
  );
}

function SurfacePicker({
  tooth,
  surfaces,
  onChange,
}: {
  tooth: number;
  surfaces: StoredSurface[];
  onChange: (surfaces: StoredSurface[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="surface-picker">
      <legend>{t('clinical.chart.surfaces')}</legend>
      {surfacesOfTooth(tooth).map((s) => (
        <label key={s} className="checkbox surface-checkbox">
          <input
            type="checkbox"
            checked={surfaces.includes(s)}
            onChange={(e) =>
              onChange(orderSurfaces(e.target.checked ? [...surfaces, s] : surfaces.filter((x) => x !== s)))
            }
          />
          <span className="mono">{surfaceLetter(tooth, s)}</span> {t(`clinical.surface.${surfaceLetter(tooth, s)}`)}
        </label>
      ))}
    </fieldset>
  );
}
