import type { ConversationDetail, InboxMessage, SendMessageInput, WhatsAppTemplate } from '@dentalpro/contracts';
import type { UseMutationResult } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useSendMessage, useTemplates } from './inbox.api';
import type { ServiceWindow } from './service-window';
import { missingParameters, templateParts, templateValues } from './template-body';

type SendMutation = UseMutationResult<InboxMessage, Error, SendMessageInput>;

const MAX_BUTTONS = 3;

interface ComposerProps {
  practiceId: string;
  conversation: ConversationDetail;
  windowState: ServiceWindow;
  canManageTemplates: boolean;
}

/**
 * The reply box. Inside WhatsApp's 24-hour window: free text, optionally with reply buttons.
 * Outside it WhatsApp accepts only an approved template, so that is all this offers.
 */
export function Composer({ practiceId, conversation, windowState, canManageTemplates }: ComposerProps) {
  const { t } = useTranslation();
  const send = useSendMessage(practiceId, conversation.id);
  // Kept here so a draft survives switching to a template and back.
  const [body, setBody] = useState('');
  const [useTemplate, setUseTemplate] = useState(false);
  const headingId = useId();
  return (
    <section className="composer" aria-labelledby={headingId}>
      <h3 id={headingId} className="visually-hidden">
        {t('inbox.reply')}
      </h3>
      {!windowState.open && (
        <Alert tone="info" title={t('inbox.windowClosedTitle')}>
          {t('inbox.windowClosedText')}
        </Alert>
      )}
      {windowState.open && !useTemplate ? (
        <TextComposer body={body} setBody={setBody} send={send} onUseTemplate={() => setUseTemplate(true)} />
      ) : (
        <TemplateComposer
          practiceId={practiceId}
          send={send}
          canManage={canManageTemplates}
          onBackToText={windowState.open ? () => setUseTemplate(false) : undefined}
        />
      )}
    </section>
  );
}

function TextComposer({
  body,
  setBody,
  send,
  onUseTemplate,
}: {
  body: string;
  setBody: (body: string) => void;
  send: SendMutation;
  onUseTemplate: () => void;
}) {
  const { t } = useTranslation();
  const textarea = useRef<HTMLTextAreaElement>(null);
  /** null: a plain text message; a list: reply buttons under the text. */
  const [buttons, setButtons] = useState<string[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const hintId = useId();

  const submit = () => {
    const text = body.trim();
    if (!text || send.isPending) return;
    setProblem(null);
    let input: SendMessageInput = { type: 'text', body: text };
    if (buttons) {
      const titles = buttons.map((title) => title.trim()).filter(Boolean);
      if (titles.length === 0) return setProblem(t('inbox.buttons.empty'));
      if (new Set(titles.map((title) => title.toLowerCase())).size !== titles.length)
        return setProblem(t('inbox.buttons.duplicate'));
      input = { type: 'buttons', body: text, buttons: titles.map((title, i) => ({ id: `reply_${i + 1}`, title })) };
    }
    send.mutate(input, {
      onSuccess: () => {
        setBody('');
        setButtons(null);
        textarea.current?.focus();
      },
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter starts a new line; never while an input method is composing a character.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit();
  };
  /** A photo or PDF goes at once, with what is typed as its caption. */
  const attach = async (file: File | undefined) => {
    if (!file || send.isPending) return;
    setProblem(null);
    const mimeType = ATTACHABLE.find((type) => type === file.type);
    if (!mimeType) return setProblem(t('inbox.attach.wrongType'));
    if (file.size > (mimeType === 'application/pdf' ? 8 : 5) * 1024 * 1024)
      return setProblem(t('inbox.attach.tooLarge', { mb: mimeType === 'application/pdf' ? 8 : 5 }));
    const dataBase64 = await fileAsBase64(file);
    const caption = body.trim().slice(0, 1024);
    send.mutate(
      { type: 'media', fileName: file.name, mimeType, dataBase64, ...(caption ? { caption } : {}) },
      {
        onSuccess: () => {
          setBody('');
          textarea.current?.focus();
        },
      },
    );
  };
  const setButton = (index: number, title: string) =>
    setButtons((buttons ?? []).map((b, i) => (i === index ? title : b)));

  return (
    <form className="composer-form" onSubmit={onSubmit}>
      <div className="composer-row">
        <TextAreaField
          ref={textarea}
          label={t('inbox.message')}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={onKeyDown}
          rows={2}
          maxLength={buttons ? 1024 : 4096}
          placeholder={t('inbox.messagePlaceholder')}
          aria-describedby={hintId}
          error={fieldError(send.error, 'body')}
          className="composer-text"
        />
        <Button type="submit" variant="primary" busy={send.isPending} disabled={!body.trim()} className="composer-send">
          {t('inbox.send')}
        </Button>
      </div>
      <div className="composer-tools">
        {/* The placeholder says "Enter sends"; screen readers hear the whole hint with the box. */}
        <p id={hintId} className="visually-hidden">
          {t('inbox.enterHint')}
        </p>
        {!buttons && (
          <Button variant="ghost" onClick={() => setButtons([''])}>
            + {t('inbox.buttons.addButtons')}
          </Button>
        )}
        <label className="button button-ghost composer-attach">
          {t('inbox.attach.label')}
          <input
            type="file"
            className="visually-hidden"
            accept={ATTACHABLE.join(',')}
            disabled={send.isPending}
            onChange={(e) => {
              void attach(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
        <Button variant="ghost" onClick={onUseTemplate}>
          {t('inbox.useTemplate')}
        </Button>
      </div>
      {buttons && (
        <fieldset className="buttons-editor card-inset">
          <legend>{t('inbox.buttons.legend')}</legend>
          <p className="field-hint">{t('inbox.buttons.hint')}</p>
          {buttons.map((title, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a button is its position (button 1, 2, 3; titles may repeat or be blank) and its input is controlled.
            <div className="row-form" key={i}>
              <TextField
                label={t('inbox.buttons.title', { n: i + 1 })}
                value={title}
                maxLength={20}
                onChange={(e) => setButton(i, e.target.value)}
                autoComplete="off"
              />
              <Button
                variant="ghost"
                aria-label={t('inbox.buttons.remove', { n: i + 1 })}
                onClick={() => setButtons(buttons.length > 1 ? buttons.filter((_, j) => j !== i) : null)}
              >
                {t('inbox.buttons.removeShort')}
              </Button>
            </div>
          ))}
          <div className="actions">
            {buttons.length < MAX_BUTTONS && (
              <Button variant="ghost" onClick={() => setButtons([...buttons, ''])}>
                + {t('inbox.buttons.add')}
              </Button>
            )}
            <Button variant="ghost" onClick={() => setButtons(null)}>
              {t('inbox.buttons.discard')}
            </Button>
          </div>
        </fieldset>
      )}
      {problem && <Alert tone="error">{problem}</Alert>}
      <ErrorAlert error={send.error} />
    </form>
  );
}

const ATTACHABLE = ['image/jpeg', 'image/png', 'application/pdf'] as const;

function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function parameterError(error: unknown, name: string) {
  return fieldError(error, `parameters.${name}`) ?? fieldError(error, name);
}

function TemplateComposer({
  practiceId,
  send,
  canManage,
  onBackToText,
}: {
  practiceId: string;
  send: SendMutation;
  canManage: boolean;
  onBackToText: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const templates = useTemplates(practiceId);
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const approved = (templates.data?.items ?? [])
    .filter((x) => x.status.toUpperCase() === 'APPROVED')
    .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  const template = approved.find((x) => x.id === templateId) ?? null;
  const missing = template ? missingParameters(template.parameters, values) : [];

  const parameterLabel = (template: WhatsAppTemplate, name: string) =>
    template.parameterFormat === 'positional'
      ? t('inbox.template.positional', { n: name })
      : name.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!template || missing.length > 0 || send.isPending) return;
    send.mutate(
      {
        type: 'template',
        templateName: template.name,
        language: template.language,
        parameters: templateValues(template.parameters, values),
      },
      {
        onSuccess: () => {
          setTemplateId('');
          setValues({});
          onBackToText?.();
        },
      },
    );
  };

  if (templates.isPending) return <Loading />;
  if (templates.isError) return <ErrorAlert error={templates.error} />;
  const back = onBackToText && (
    <Button variant="ghost" onClick={onBackToText}>
      {t('inbox.template.backToText')}
    </Button>
  );
  if (approved.length === 0) {
    return (
      <>
        <Alert tone="warning" title={t('inbox.template.none')}>
          {canManage ? (
            <Link to={`/app/${practiceId}/settings/whatsapp`}>{t('inbox.template.syncLink')}</Link>
          ) : (
            t('inbox.template.askOwner')
          )}
        </Alert>
        {back}
      </>
    );
  }

  return (
    <form className="template-composer" onSubmit={submit}>
      <SelectField
        label={t('inbox.template.choose')}
        value={templateId}
        onChange={(e) => {
          setTemplateId(e.target.value);
          send.reset();
        }}
        required
      >
        <option value="">{t('inbox.template.placeholder')}</option>
        {approved.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name} · {x.language.toUpperCase()} ·{' '}
            {t(`whatsappSettings.categories.${x.category}`, { defaultValue: x.category })}
          </option>
        ))}
      </SelectField>
      {template && template.parameters.length > 0 && (
        <fieldset className="plain">
          <legend className="field-label">{t('inbox.template.parameters')}</legend>
          <div className="grid-2">
            {template.parameters.map((parameter) => (
              <TextField
                key={`${template.id}-${parameter.name}`}
                label={parameterLabel(template, parameter.name)}
                hint={parameter.example ? t('inbox.template.example', { example: parameter.example }) : undefined}
                value={values[parameter.name] ?? ''}
                onChange={(e) => setValues((all) => ({ ...all, [parameter.name]: e.target.value }))}
                maxLength={1024}
                required
                autoComplete="off"
                error={parameterError(send.error, parameter.name)}
              />
            ))}
          </div>
        </fieldset>
      )}
      {template && <TemplatePreview template={template} values={values} />}
      <ErrorAlert error={send.error} />
      <div className="actions composer-actions">
        {back}
        <Button type="submit" variant="primary" busy={send.isPending} disabled={!template || missing.length > 0}>
          {t('inbox.template.send')}
        </Button>
      </div>
    </form>
  );
}

function TemplatePreview({ template, values }: { template: WhatsAppTemplate; values: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <figure className="template-preview">
      <figcaption className="field-label">{t('inbox.template.preview')}</figcaption>
      <div className="bubble bubble-outbound">
        <p className="bubble-text">
          {templateParts(template.body, values).map((part, i) =>
            'text' in part ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one template body, split together and never reordered.
              <span key={i}>{part.text}</span>
            ) : part.value !== null ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one template body, split together and never reordered.
              <strong key={i}>{part.value}</strong>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one template body, split together and never reordered.
              <mark key={i} className="template-gap">
                {`{{${part.parameter}}}`}
              </mark>
            ),
          )}
        </p>
        {template.quickReplies.length > 0 && (
          <ul className="bubble-buttons" aria-label={t('inbox.replyButtons')}>
            {template.quickReplies.map((title, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a template's reply buttons never change order and hold no state; titles may repeat, the position keeps the keys unique.
              <li key={`${title}-${i}`}>{title}</li>
            ))}
          </ul>
        )}
      </div>
    </figure>
  );
}
