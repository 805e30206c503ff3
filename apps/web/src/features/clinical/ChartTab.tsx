import { FINDING_KINDS, type ChartFinding, type FindingKind, type RestorationMaterial } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { useDateFormat } from '../../components/format';
import { clinicalKeys, recordPath, useChart } from './clinical.api';
import { type StoredSurface, orderSurfaces, surfaceLetter, surfacesOfTooth } from './fdi';
import { ChartLegend, type ToothSelection, ToothChart } from './ToothChart';

const MATERIALS: RestorationMaterial[] = ['composite', 'amalgam', 'glass_ionomer', 'ceramic', 'gold', 'temporary'];
/** Which findings take surfaces and a material (the server's FDI rules; it has the last word). */
const SURFACE_KINDS: FindingKind[] = ['caries', 'restoration', 'sealant', 'fractured', 'watch'];
const MATERIAL_KINDS: FindingKind[] = ['restoration', 'crown', 'bridge'];

interface ChartTabProps {
  practiceId: string;
  patientId: string;
  timeZone: string;
  canWrite: boolean;
}

export function ChartTab({ practiceId, patientId, timeZone, canWrite }: ChartTabProps) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf') ?? '';
  const [primary, setPrimary] = useState(false);
  const [selection, setSelection] = useState<ToothSelection | null>(null);
  const chart = useChart(practiceId, patientId, asOf);
  const fmt = useDateFormat(timeZone);
  const findings = chart.data?.findings ?? [];
  const past = asOf !== '';

  const chartRef = useRef<HTMLDivElement>(null);
  // A tap on another tooth opens its form in view (below the chart, out of sight on a laptop) with
  // the keyboard in its first field; more taps on the same tooth only change its surfaces.
  const [openedFor, setOpenedFor] = useState<number | null>(null);
  const select = (tooth: number, surface: StoredSurface | null) => {
    if (selection?.tooth !== tooth || surface === null) setOpenedFor(tooth);
    setSelection((current) => {
      if (surface === null) return { tooth, surfaces: [] };
      const base = current?.tooth === tooth ? current.surfaces : [];
      const surfaces = base.includes(surface) ? base.filter((s) => s !== surface) : [...base, surface];
      return { tooth, surfaces: orderSurfaces(surfaces) };
    });
  };

  return (
    <section aria-labelledby="chart-heading" className="stack">
      <div className="page-head">
        <h2 id="chart-heading" className="section-title">
          {t('clinical.chart.title')}
        </h2>
        <div className="chart-controls">
          <label className="checkbox">
            <input type="checkbox" checked={primary} onChange={(e) => setPrimary(e.target.checked)} />
            {t('clinical.chart.showPrimary')}
          </label>
          <div className="field inline-field">
            <label htmlFor="chart-as-of">{t('clinical.chart.asOf')}</label>
            <input
              id="chart-as-of"
              type="date"
              value={asOf}
              max={new Date().toISOString().slice(0, 10)}
              onChange={(e) => {
                const next = new URLSearchParams(params);
                if (e.target.value) next.set('asOf', e.target.value);
                else next.delete('asOf');
                setParams(next, { replace: true });
              }}
            />
          </div>
          {past && (
            <Button onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              {t('clinical.chart.backToToday')}
            </Button>
          )}
        </div>
      </div>
      {past && (
        <p className="alert alert-info chart-past">{t('clinical.chart.showingAsOf', { date: fmt.day(asOf) })}</p>
      )}
      {chart.isPending ? (
        <Loading />
      ) : chart.isError ? (
        <ErrorAlert error={chart.error} />
      ) : (
        <>
          <div ref={chartRef}>
            <ToothChart
              findings={findings}
              primary={primary}
              selection={selection}
              onSelect={select}
              readOnly={!canWrite || past}
            />
          </div>
          <ChartLegend />
          {canWrite && !past && (
            <div className="card form-card">
              {selection ? (
                <AddFindingForm
                  key={selection.tooth}
                  practiceId={practiceId}
                  patientId={patientId}
                  selection={selection}
                  onSurfaces={(surfaces) => setSelection({ tooth: selection.tooth, surfaces })}
                  reveal={openedFor === selection.tooth}
                  onRevealed={() => setOpenedFor(null)}
                  onDone={() => {
                    const tooth = selection.tooth;
                    setSelection(null);
                    // Back to the tooth the form was for, so the keyboard carries on where it was.
                    chartRef.current?.querySelector<SVGGElement>(`[data-tooth="${tooth}"] .tooth-number`)?.focus();
                  }}
                />
              ) : (
                <p className="muted">{t('clinical.chart.selectHint')}</p>
              )}
            </div>
          )}
          <FindingsTable
            findings={findings}
            practiceId={practiceId}
            patientId={patientId}
            canWrite={canWrite && !past}
            formatDate={fmt.date}
          />
        </>
      )}
    </section>
  );
}

interface AddFindingFormProps {
  practiceId: string;
  patientId: string;
  selection: ToothSelection;
  onSurfaces: (surfaces: StoredSurface[]) => void;
  /** Scroll the form into view and put the keyboard in its first field (once, after a tooth was tapped). */
  reveal: boolean;
  onRevealed: () => void;
  /** Closed: added, cancelled or Escape. */
  onDone: () => void;
}

function AddFindingForm({
  practiceId,
  patientId,
  selection,
  onSurfaces,
  reveal,
  onRevealed,
  onDone,
}: AddFindingFormProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<FindingKind>(selection.surfaces.length ? 'caries' : 'missing');
  const [material, setMaterial] = useState<RestorationMaterial>('composite');
  const [note, setNote] = useState('');
  const takesSurfaces = SURFACE_KINDS.includes(kind);
  const takesMaterial = MATERIAL_KINDS.includes(kind);
  const add = useMutation({
    mutationFn: () =>
      api.post<ChartFinding>(`${recordPath(practiceId, patientId)}/chart/findings`, {
        tooth: selection.tooth,
        surfaces: takesSurfaces ? selection.surfaces : [],
        kind,
        material: takesMaterial ? material : null,
        ...(kind === 'bridge' ? { bridgeRole: 'abutment' } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.chartAll(practiceId, patientId) });
      toast(t('clinical.chart.added', { tooth: selection.tooth }));
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = formRef.current;
    if (!reveal || !form) return;
    form.scrollIntoView({ block: 'nearest' });
    form
      .querySelector<HTMLElement>('input:not(:disabled), select:not(:disabled), textarea:not(:disabled)')
      ?.focus({ preventScroll: true });
    onRevealed();
  }, [reveal, onRevealed]);
  const closeOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onDone();
  };
  const letters = selection.surfaces.map((s) => surfaceLetter(selection.tooth, s)).join('');
  return (
    <form
      ref={formRef}
      onSubmit={submit}
      onKeyDown={closeOnEscape}
      className="stack"
      aria-labelledby="add-finding-heading"
    >
      <h3 id="add-finding-heading">
        {t('clinical.chart.addFinding')} — {t('clinical.chart.toothLabel', { tooth: selection.tooth })}
        {letters && ` · ${letters}`}
      </h3>
      <fieldset className="surface-picker">
        <legend>{t('clinical.chart.surfaces')}</legend>
        {surfacesOfTooth(selection.tooth).map((s) => (
          <label key={s} className="checkbox surface-checkbox">
            <input
              type="checkbox"
              checked={selection.surfaces.includes(s)}
              disabled={!takesSurfaces}
              onChange={(e) =>
                onSurfaces(
                  orderSurfaces(
                    e.target.checked ? [...selection.surfaces, s] : selection.surfaces.filter((x) => x !== s),
                  ),
                )
              }
            />
            <span className="mono">{surfaceLetter(selection.tooth, s)}</span>{' '}
            {t(`clinical.surface.${surfaceLetter(selection.tooth, s)}`)}
          </label>
        ))}
      </fieldset>
      <div className="form-row">
        <SelectField
          label={t('clinical.chart.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as FindingKind)}
        >
          {FINDING_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`clinical.kind.${k}`)}
            </option>
          ))}
        </SelectField>
        {takesMaterial && (
          <SelectField
            label={t('clinical.chart.material')}
            value={material}
            onChange={(e) => setMaterial(e.target.value as RestorationMaterial)}
          >
            {MATERIALS.map((m) => (
              <option key={m} value={m}>
                {t(`clinical.material.${m}`)}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      {!takesSurfaces && <p className="field-hint">{t('clinical.chart.wholeToothHint')}</p>}
      <TextAreaField
        label={t('clinical.chart.note')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={4000}
      />
      <ErrorAlert error={add.error} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={add.isPending}>
          {t('clinical.chart.addFinding')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

interface FindingsTableProps {
  findings: ChartFinding[];
  practiceId: string;
  patientId: string;
  canWrite: boolean;
  formatDate: (iso: string) => string;
}

function FindingsTable({ findings, practiceId, patientId, canWrite, formatDate }: FindingsTableProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => api.delete<ChartFinding>(`${recordPath(practiceId, patientId)}/chart/findings/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicalKeys.chartAll(practiceId, patientId) }),
  });
  if (findings.length === 0) return <p className="muted">{t('clinical.chart.noFindings')}</p>;
  const sorted = [...findings].sort((a, b) => a.tooth - b.tooth || a.observedAt.localeCompare(b.observedAt));
  return (
    <div className="table-wrap">
      <ErrorAlert error={remove.error} />
      <table aria-label={t('clinical.chart.findings')}>
        <thead>
          <tr>
            <th scope="col">{t('clinical.chart.tooth')}</th>
            <th scope="col">{t('clinical.chart.surfaces')}</th>
            <th scope="col">{t('clinical.chart.kind')}</th>
            <th scope="col">{t('clinical.chart.note')}</th>
            <th scope="col">{t('clinical.chart.observed')}</th>
            {canWrite && <th scope="col">{t('common.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {sorted.map((f) => (
            <tr key={f.id} data-finding-tooth={f.tooth}>
              <th scope="row">{f.tooth}</th>
              <td className="mono">{f.surfaces.map((s) => surfaceLetter(f.tooth, s)).join('') || '—'}</td>
              <td>
                <span className={`finding-badge finding-badge-${f.kind}`}>{t(`clinical.kind.${f.kind}`)}</span>
                {f.material && <span className="muted"> · {t(`clinical.material.${f.material}`)}</span>}
              </td>
              <td>{f.note ?? ''}</td>
              <td>
                {formatDate(f.observedAt)}
                {f.recordedByName && <span className="muted small block">{f.recordedByName}</span>}
              </td>
              {canWrite && (
                <td>
                  <Button
                    variant="ghost"
                    busy={remove.isPending && remove.variables === f.id}
                    onClick={() => remove.mutate(f.id)}
                  >
                    {t('clinical.chart.enteredInError')}
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
