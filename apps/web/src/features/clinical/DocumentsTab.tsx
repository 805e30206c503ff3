import type { Attachment } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SelectField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { useDateFormat } from '../../components/format';
import { clinicalKeys, recordPath, useAttachments } from './clinical.api';

const KINDS = ['xray', 'photo', 'document'] as const;

/** The file's bytes as base64, without the data: URL prefix. */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error);
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.readAsDataURL(file);
  });
}

function sizeLabel(bytes: number, locale: string) {
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  if (bytes < 1024 * 1024) return `${format.format(bytes / 1024)} KB`;
  return `${format.format(bytes / 1024 / 1024)} MB`;
}

interface DocumentsTabProps {
  practiceId: string;
  patientId: string;
  timeZone: string;
  canWrite: boolean;
}

export function DocumentsTab({ practiceId, patientId, timeZone, canWrite }: DocumentsTabProps) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const attachments = useAttachments(practiceId, patientId);
  const fmt = useDateFormat(timeZone);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('xray');
  const [file, setFile] = useState<File | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: async (chosen: File) =>
      api.post<Attachment>(`${recordPath(practiceId, patientId)}/attachments`, {
        kind,
        fileName: chosen.name,
        mimeType: chosen.type || 'application/octet-stream',
        contentBase64: await readAsBase64(chosen),
      }),
    onSuccess: async (attachment) => {
      await queryClient.invalidateQueries({ queryKey: clinicalKeys.attachments(practiceId, patientId) });
      toast(t('clinical.documents.uploaded', { name: attachment.fileName }));
      setFile(null);
      if (input.current) input.current.value = '';
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file);
  };
  return (
    <section aria-labelledby="documents-heading" className="stack">
      <h2 id="documents-heading" className="section-title">
        {t('clinical.documents.title')}
      </h2>
      {canWrite && (
        <form className="card form-card stack" onSubmit={submit}>
          <div className="form-row">
            <SelectField
              label={t('clinical.documents.kind')}
              value={kind}
              onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`clinical.documents.kinds.${k}`)}
                </option>
              ))}
            </SelectField>
            <div className="field">
              <label htmlFor="attachment-file">{t('clinical.documents.file')}</label>
              <p id="attachment-file-hint" className="field-hint">
                {t('clinical.documents.fileHint')}
              </p>
              <input
                ref={input}
                id="attachment-file"
                type="file"
                accept="image/jpeg,image/png,application/pdf"
                aria-describedby="attachment-file-hint"
                onChange={(e) => {
                  upload.reset();
                  setFile(e.target.files?.[0] ?? null);
                }}
              />
            </div>
          </div>
          <ErrorAlert error={upload.error} />
          <div className="actions">
            <Button type="submit" variant="primary" busy={upload.isPending} disabled={!file}>
              {t('clinical.documents.upload')}
            </Button>
          </div>
        </form>
      )}
      {attachments.isPending ? (
        <Loading />
      ) : attachments.isError ? (
        <ErrorAlert error={attachments.error} />
      ) : attachments.data.items.length === 0 ? (
        <p className="muted">{t('clinical.documents.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('clinical.documents.file')}</th>
                <th scope="col">{t('clinical.documents.kind')}</th>
                <th scope="col">{t('clinical.documents.size')}</th>
                <th scope="col">{t('clinical.documents.uploadedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {attachments.data.items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <a
                      href={`/api/v1${recordPath(practiceId, patientId)}/attachments/${a.id}/content`}
                      target="_blank"
                      rel="noopener"
                    >
                      {a.fileName}
                    </a>
                  </th>
                  <td>{t(`clinical.documents.kinds.${a.kind}`)}</td>
                  <td>{sizeLabel(a.sizeBytes, i18n.resolvedLanguage === 'fr' ? 'fr-FR' : 'en-GB')}</td>
                  <td>
                    {fmt.dateTime(a.uploadedAt)}
                    {a.uploadedByName && <span className="muted small block">{a.uploadedByName}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
