import { FINDING_KINDS, type FindingKind, type Procedure, type RestorationMaterial } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/Toast';
import { useCurrentPractice } from '../shell/AppShell';
import { clinicalKeys, useMoney } from './clinical.api';

const MATERIALS: readonly RestorationMaterial[] = [
  'composite',
  'amalgam',
  'glass_ionomer',
  'ceramic',
  'gold',
  'temporary',
];
/** Bridges are charted tooth by tooth, so no procedure can record one (the server refuses it). */
const RESULT_KINDS = FINDING_KINDS.filter((k) => k !== 'bridge');
/** Which results take a material (the server's FDI rules decide; this only shapes the form). */
const MATERIAL_RULE: Partial<Record<FindingKind, 'required' | 'optional'>> = {
  restoration: 'required',
  crown: 'optional',
};

const allProceduresKey = (practiceId: string) => [...clinicalKeys.priceList(practiceId), 'all'] as const;

/**
 * "1500", "1 500", "1,500", "1500.50" or "1500,50" rupees → cents; undefined when it is not an
 * amount. A comma followed by exactly three digits groups thousands; by one or two, it is decimal.
 */
export function parseRupees(typed: string): number | undefined {
  const compact = typed.replace(/[\s\u00a0\u202f]/g, '').replace(/^(rs\.?|mur)/i, '');
  let normalised: string;
  if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(compact)) normalised = compact.replaceAll(',', '');
  else if (/^\d+([.,]\d{1,2})?$/.test(compact)) normalised = compact.replace(',', '.');
  else return undefined;
  return Math.round(Number(normalised) * 100);
}

/** Settings → Price list: the procedures a treatment plan is built from, with fees in MUR. Owners only. */
export function PriceListSettingsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  if (!can('practice:manage')) return <Alert tone="error" title={t('errors.forbidden')} />;
  return <PriceList practiceId={membership.practiceId} />;
}

function PriceList({ practiceId }: { practiceId: string }) {
  const { t } = useTranslation();
  const money = useMoney();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Procedure | 'new' | null>(null);
  const procedures = useQuery({
    queryKey: allProceduresKey(practiceId),
    queryFn: () => api.get<{ items: Procedure[] }>(`/practices/${practiceId}/price-list`, { includeInactive: 'true' }),
  });
  // The plan tab's list (active only) shares the prefix: both refresh.
  const refresh = () => queryClient.invalidateQueries({ queryKey: clinicalKeys.priceList(practiceId) });
  const importDefaults = useMutation({
    mutationFn: () => api.post<{ added: number }>(`/practices/${practiceId}/price-list/import-defaults`),
    onSuccess: async ({ added }) => {
      await refresh();
      toast(added ? t('priceList.defaultsAdded', { count: added }) : t('priceList.defaultsAlreadyThere'));
    },
  });
  const setActive = useMutation({
    mutationFn: (input: { procedure: Procedure; active: boolean }) =>
      api.patch<Procedure>(`/practices/${practiceId}/price-list/${input.procedure.id}`, { active: input.active }),
    onSuccess: async (_saved, input) => {
      await refresh();
      toast(t(input.active ? 'priceList.reactivated' : 'priceList.deactivated', { code: input.procedure.code }));
    },
  });

  const addButtons = (
    <div className="actions">
      <Button variant="primary" onClick={() => setEditing('new')}>
        + {t('priceList.add')}
      </Button>
      <Button busy={importDefaults.isPending} onClick={() => importDefaults.mutate()}>
        {t('priceList.importDefaults')}
      </Button>
    </div>
  );

  return (
    <section aria-labelledby="price-list-title" className="stack">
      <div className="page-head">
        <h2 id="price-list-title">{t('priceList.title')}</h2>
        {procedures.isSuccess && procedures.data.items.length > 0 && addButtons}
      </div>
      <p className="muted">{t('priceList.intro')}</p>
      <ErrorAlert error={importDefaults.error ?? setActive.error} />
      {procedures.isPending ? (
        <Loading />
      ) : procedures.isError ? (
        <ErrorAlert error={procedures.error} />
      ) : procedures.data.items.length === 0 ? (
        <EmptyState title={t('priceList.empty')} action={addButtons} />
      ) : (
        <div className="table-wrap">
          <table className="price-list">
            <thead>
              <tr>
                <th scope="col">{t('priceList.code')}</th>
                <th scope="col">{t('priceList.names')}</th>
                <th scope="col" className="num">
                  {t('priceList.fee')}
                </th>
                <th scope="col">{t('priceList.result')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {procedures.data.items.map((p) => (
                <tr key={p.id} className={p.active ? undefined : 'is-inactive'}>
                  <th scope="row">
                    <span className="mono">{p.code}</span>
                    {/* Active is the rule; only the exception is marked. */}
                    {!p.active && <span className="status-pill procedure-inactive">{t('priceList.isInactive')}</span>}
                  </th>
                  <td className="procedure-names">
                    <span className="block" lang="en">
                      {p.nameEn}
                    </span>
                    <span className="block muted" lang="fr">
                      {p.nameFr}
                    </span>
                  </td>
                  <td className="num nowrap">{money(p.feeMinor)}</td>
                  <td>
                    {p.resultKind ? (
                      [
                        t(`clinical.kind.${p.resultKind}`),
                        p.resultMaterial && t(`clinical.material.${p.resultMaterial}`),
                      ]
                        .filter(Boolean)
                        .join(' · ')
                    ) : (
                      <span className="muted">{t('priceList.noResult')}</span>
                    )}
                  </td>
                  <td>
                    <div className="stacked-actions">
                      <Button onClick={() => setEditing(p)} aria-label={t('priceList.editNamed', { code: p.code })}>
                        {t('priceList.edit')}
                      </Button>
                      <Button
                        variant="ghost"
                        busy={setActive.isPending && setActive.variables?.procedure.id === p.id}
                        aria-label={t(p.active ? 'priceList.deactivateNamed' : 'priceList.reactivateNamed', {
                          code: p.code,
                        })}
                        onClick={() => setActive.mutate({ procedure: p, active: !p.active })}
                      >
                        {p.active ? t('priceList.deactivate') : t('priceList.reactivate')}
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('priceList.add') : t('priceList.editNamed', { code: editing?.code ?? '' })}
        onClose={() => setEditing(null)}
        wide
      >
        {editing !== null && (
          <ProcedureForm
            practiceId={practiceId}
            procedure={editing === 'new' ? null : editing}
            onDone={async (saved) => {
              await refresh();
              toast(t('priceList.saved', { code: saved.code }));
              setEditing(null);
            }}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </section>
  );
}

interface ProcedureFormProps {
  practiceId: string;
  procedure: Procedure | null;
  onDone: (saved: Procedure) => void | Promise<void>;
  onCancel: () => void;
}

function ProcedureForm({ practiceId, procedure, onDone, onCancel }: ProcedureFormProps) {
  const { t } = useTranslation();
  const [resultKind, setResultKind] = useState<FindingKind | ''>(procedure?.resultKind ?? '');
  const [resultMaterial, setResultMaterial] = useState<RestorationMaterial | ''>(procedure?.resultMaterial ?? '');
  // Checked here first so each message is in the interface language; the server checks again.
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      procedure
        ? api.patch<Procedure>(`/practices/${practiceId}/price-list/${procedure.id}`, body)
        : api.post<Procedure>(`/practices/${practiceId}/price-list`, body),
    onSuccess: onDone,
  });
  const materialRule = resultKind ? MATERIAL_RULE[resultKind] : undefined;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const feeMinor = parseRupees(text('fee'));
    const found: Record<string, string> = {};
    if (!procedure && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/.test(text('code'))) found.code = t('priceList.codeInvalid');
    if (feeMinor === undefined || feeMinor > 1_000_000_000) found.fee = t('priceList.feeInvalid');
    if (!text('nameEn')) found.nameEn = t('priceList.nameRequired');
    if (!text('nameFr')) found.nameFr = t('priceList.nameRequired');
    if (materialRule === 'required' && !resultMaterial) found.resultMaterial = t('priceList.materialRequired');
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      (formElement.elements.namedItem(first) as HTMLElement | null)?.focus();
      return;
    }
    const body = {
      nameEn: text('nameEn'),
      nameFr: text('nameFr'),
      feeMinor,
      resultKind: resultKind || null,
      resultMaterial: materialRule ? resultMaterial || null : null,
      active: form.get('active') === 'on',
    };
    save.mutate(procedure ? body : { code: text('code'), ...body });
  };
  const e = (path: string) => problems[path] ?? fieldError(save.error, path);
  const codeTaken = isApiError(save.error, 'procedure_code_taken') ? t('errors.procedure_code_taken') : undefined;
  // A 409 about the code is shown at the code; any other refusal in the summary too.
  const summaryError = codeTaken ? null : save.error;
  return (
    <form onSubmit={submit} noValidate>
      <div className="grid-2">
        {procedure ? (
          <div className="field">
            <span className="field-label">{t('priceList.code')}</span>
            <p className="mono">{procedure.code}</p>
          </div>
        ) : (
          <TextField
            label={t('priceList.code')}
            name="code"
            className="mono-input"
            hint={t('priceList.codeHint')}
            required
            maxLength={20}
            autoCapitalize="characters"
            autoComplete="off"
            error={e('code') ?? codeTaken}
          />
        )}
        <TextField
          label={t('priceList.feeLabel')}
          name="fee"
          inputMode="decimal"
          autoComplete="off"
          hint={t('priceList.feeHint')}
          defaultValue={procedure ? String(procedure.feeMinor / 100) : ''}
          required
          error={problems.fee ?? fieldError(save.error, 'feeMinor')}
        />
        <TextField
          label={t('priceList.nameEn')}
          name="nameEn"
          lang="en"
          defaultValue={procedure?.nameEn}
          required
          maxLength={120}
          error={e('nameEn')}
        />
        <TextField
          label={t('priceList.nameFr')}
          name="nameFr"
          lang="fr"
          defaultValue={procedure?.nameFr}
          required
          maxLength={120}
          error={e('nameFr')}
        />
        <SelectField
          label={t('priceList.result')}
          name="resultKind"
          hint={t('priceList.resultHint')}
          value={resultKind}
          onChange={(event) => {
            const kind = event.target.value as FindingKind | '';
            setResultKind(kind);
            if (!kind || !MATERIAL_RULE[kind]) setResultMaterial('');
          }}
          error={e('resultKind')}
        >
          <option value="">{t('priceList.noResult')}</option>
          {RESULT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`clinical.kind.${kind}`)}
            </option>
          ))}
        </SelectField>
        {materialRule && (
          <SelectField
            label={t('priceList.material')}
            name="resultMaterial"
            value={resultMaterial}
            onChange={(event) => setResultMaterial(event.target.value as RestorationMaterial | '')}
            required={materialRule === 'required'}
            error={e('resultMaterial')}
          >
            <option value="">
              {materialRule === 'required' ? t('priceList.pickMaterial') : t('priceList.noMaterial')}
            </option>
            {MATERIALS.map((m) => (
              <option key={m} value={m}>
                {t(`clinical.material.${m}`)}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      {!materialRule && e('resultMaterial') && <p className="field-error">{e('resultMaterial')}</p>}
      <label className="checkbox">
        <input type="checkbox" name="active" defaultChecked={procedure?.active ?? true} />
        {t('priceList.activeHint')}
      </label>
      <ErrorAlert error={summaryError} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {procedure ? t('common.save') : t('priceList.add')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
