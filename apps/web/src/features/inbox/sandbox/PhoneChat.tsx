import type { SandboxPhoneMessage, SandboxSendInput } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type ChangeEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { SandboxStateBody } from '../../../api/contracts';
import { Alert } from '../../../components/Alert';
import { Button } from '../../../components/Button';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { TextField } from '../../../components/Field';
import { formatPhone } from '../../../components/format';
import { Icon } from '../../../components/Icon';
import { Loading } from '../../../components/Loading';
import { Modal } from '../../../components/Modal';
import { useDocumentVisible } from '../../../components/visibility';
import { StatusTicks } from '../StatusTicks';
import {
  type PhoneView,
  type ReplyOption,
  contextOf,
  graphBody,
  phoneView,
  previewOf,
  reactionTarget,
} from './phone-payload';
import { sandboxApi, sandboxKeys, useSandboxChat, useSandboxEvents } from './sandbox.api';

type Channel = SandboxStateBody['channels'][number];
type PhoneMessageInput = SandboxSendInput['message'];
type ChoiceKind = 'button' | 'list' | 'template';

/** Base64 of at most 2,000,000 characters is about 1.5 MB of file. */
const MAX_IMAGE_BYTES = 1_450_000;
const GRAPH_ENTRIES = 5;

const LOCALES = { en: 'en-GB', fr: 'fr-FR' } as const;

interface PhoneChatProps {
  channel: Channel;
  waId: string;
  profileName: string;
  onUsed: () => void;
}

/** The patient's side of the chat with one practice number, and what the practice sent to the Graph API. */
export function PhoneChat({ channel, waId, profileName, onUsed }: PhoneChatProps) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { phoneNumberId } = channel;
  const chat = useSandboxChat(phoneNumberId, waId);
  useSandboxEvents(phoneNumberId, waId);
  const items = useMemo(() => chat.data?.items ?? [], [chat.data]);
  const titleId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  // The photos this page sent, by wamid: the webhook only carries a media id, not the picture.
  const [sentImages, setSentImages] = useState<Record<string, string>>({});
  const [openList, setOpenList] = useState<SandboxPhoneMessage | null>(null);

  const time = useMemo(() => {
    const f = new Intl.DateTimeFormat(LOCALES[(i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en'], {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    return (iso: string) => f.format(new Date(iso));
  }, [i18n.resolvedLanguage, i18n.language]);

  const send = useMutation({
    mutationFn: (message: PhoneMessageInput) => sandboxApi.send({ phoneNumberId, from: waId, profileName, message }),
    onSuccess: () => {
      onUsed();
      // The event stream brings the message too; this covers a stream that is reconnecting.
      void queryClient.invalidateQueries({ queryKey: sandboxKeys.chat(phoneNumberId, waId) });
    },
  });
  const sendMessage = async (message: PhoneMessageInput, imageDataUrl?: string): Promise<boolean> => {
    try {
      const { wamid } = await send.mutateAsync(message);
      if (imageDataUrl) setSentImages((all) => ({ ...all, [wamid]: imageDataUrl }));
      return true;
    } catch {
      return false;
    }
  };
  const choose = (kind: ChoiceKind, option: ReplyOption, contextWamid: string) =>
    void sendMessage({
      type: 'choice',
      kind,
      choiceId: option.id,
      title: option.title,
      // Meta's list_reply carries the row's description too; a reply button has none.
      ...(kind === 'list' && option.description ? { description: option.description } : {}),
      contextWamid,
    });

  // The chat is on screen: the practice's messages turn read (blue ticks), as when a patient opens the chat.
  const visible = useDocumentVisible();
  const newestUnread = items.filter((m) => m.direction === 'to_phone' && m.status !== 'read').at(-1)?.wamid ?? null;
  const readUpTo = useRef<string | null>(null);
  useEffect(() => {
    if (!visible || !newestUnread || readUpTo.current === newestUnread) return;
    readUpTo.current = newestUnread;
    sandboxApi.read({ phoneNumberId, waId }).catch(() => {
      readUpTo.current = null;
    });
  }, [visible, newestUnread, phoneNumberId, waId]);

  const lastWamid = items.at(-1)?.wamid;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new last message arrives, to scroll to it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastWamid]);

  const byWamid = useMemo(() => new Map(items.map((m) => [m.wamid, m])), [items]);
  const reactions = useMemo(() => {
    const map = new Map<string, { emoji: string; mine: boolean }[]>();
    for (const m of items) {
      const view = phoneView(m);
      const target = reactionTarget(m);
      if (view.kind !== 'reaction' || !target) continue;
      // A later reaction from the same side replaces the earlier one; an empty emoji removes it.
      const mine = m.direction === 'from_phone';
      const list = (map.get(target) ?? []).filter((r) => r.mine !== mine);
      map.set(target, view.emoji ? [...list, { emoji: view.emoji, mine }] : list);
    }
    return map;
  }, [items]);
  const bubbles = items.filter((m) => phoneView(m).kind !== 'reaction');
  const listView = openList ? phoneView(openList) : null;

  return (
    <>
      <section className="phone" aria-labelledby={titleId}>
        <header className="phone-head">
          <span className="phone-avatar" aria-hidden="true">
            {initials(channel.practiceName)}
          </span>
          <span className="phone-head-text">
            <h2 id={titleId} className="phone-title">
              {channel.practiceName}
            </h2>
            <span className="phone-sub">
              {channel.displayPhoneNumber ? formatPhone(channel.displayPhoneNumber) : channel.phoneNumberId}
            </span>
          </span>
        </header>
        {/* biome-ignore lint/a11y/useSemanticElements: kept a div for its HTMLDivElement ref; role=region with a label is the same landmark as a section. */}
        <div
          className="phone-screen"
          ref={scroller}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box: focusable so keyboard users can scroll it.
          tabIndex={0}
          role="region"
          aria-label={t('sandbox.chatRegion', { name: profileName, number: formatPhone(`+${waId}`) })}
        >
          {chat.isPending ? <Loading /> : chat.isError ? <ErrorAlert error={chat.error} /> : null}
          {chat.isSuccess && bubbles.length === 0 && <p className="phone-hint">{t('sandbox.emptyChat')}</p>}
          {/* biome-ignore lint/a11y/noRedundantRoles: Safari drops list semantics from lists styled without bullets; the explicit role keeps them. */}
          <ol role="list" aria-label={t('sandbox.messages')} className="phone-messages">
            {bubbles.map((message) => {
              const context = contextOf(message);
              const quoted = context ? byWamid.get(context) : undefined;
              return (
                <PhoneBubble
                  key={message.wamid}
                  message={message}
                  practiceName={channel.practiceName}
                  time={time(message.at)}
                  quote={quoted ? previewOf(phoneView(quoted)) : null}
                  reactions={reactions.get(message.wamid) ?? []}
                  imageUrl={sentImages[message.wamid] ?? null}
                  busy={send.isPending}
                  onChoose={choose}
                  onOpenList={() => setOpenList(message)}
                />
              );
            })}
          </ol>
        </div>
        {send.error ? (
          <div className="phone-error">
            <ErrorAlert error={send.error} />
          </div>
        ) : null}
        <PhoneComposer busy={send.isPending} onSend={sendMessage} />
      </section>

      <GraphPanel items={items} time={time} />

      <Modal
        open={openList !== null}
        title={listView?.kind === 'list' ? listView.button : ''}
        onClose={() => setOpenList(null)}
      >
        {openList && listView?.kind === 'list' && (
          <div className="phone-list-sheet">
            {listView.sections.map((section, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a sent list's sections never change order; titles are optional, so the position keeps the keys unique.
              <section key={`${section.title ?? ''}-${i}`} aria-label={section.title || listView.button}>
                {section.title && <h3>{section.title}</h3>}
                <ul className="plain-list">
                  {section.rows.map((row, j) => (
                    <li key={row.id}>
                      <button
                        type="button"
                        className="phone-list-row"
                        // The keyboard starts on the first choice; closing returns to the list's button.
                        data-autofocus={i === 0 && j === 0 ? true : undefined}
                        disabled={send.isPending}
                        onClick={() => {
                          choose('list', row, openList.wamid);
                          setOpenList(null);
                        }}
                      >
                        <span className="phone-list-row-title">{row.title}</span>
                        {row.description && <span className="phone-list-row-description">{row.description}</span>}
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )}
      </Modal>
    </>
  );
}

interface PhoneBubbleProps {
  message: SandboxPhoneMessage;
  practiceName: string;
  time: string;
  quote: string | null;
  reactions: { emoji: string; mine: boolean }[];
  imageUrl: string | null;
  busy: boolean;
  onChoose: (kind: ChoiceKind, option: ReplyOption, contextWamid: string) => void;
  onOpenList: () => void;
}

/** On the phone the patient's own messages are on the right (green), the practice's on the left (white). */
function PhoneBubble({
  message,
  practiceName,
  time,
  quote,
  reactions,
  imageUrl,
  busy,
  onChoose,
  onOpenList,
}: PhoneBubbleProps) {
  const { t } = useTranslation();
  const view = phoneView(message);
  const mine = message.direction === 'from_phone';
  return (
    // biome-ignore lint/a11y/noRedundantRoles: Safari drops list semantics from lists styled without bullets; the explicit role keeps them.
    <li role="listitem" className={`phone-row ${mine ? 'is-mine' : 'is-theirs'}`}>
      <div className="phone-bubble">
        <span className="visually-hidden">{mine ? t('sandbox.you') : practiceName}: </span>
        {quote && (
          <blockquote className="phone-quote">
            <span className="visually-hidden">{t('inbox.inReplyTo')} </span>
            {quote}
          </blockquote>
        )}
        <PhoneContent view={view} imageUrl={imageUrl} />
        <span className="phone-meta">
          <time dateTime={message.at}>{time}</time>
          {!mine && <StatusTicks status={message.status ?? 'sending'} />}
        </span>
        {reactions.length > 0 && (
          <span className="phone-reactions">
            <span className="visually-hidden">{t('inbox.reactions')}: </span>
            {reactions.map((r) => r.emoji).join(' ')}
          </span>
        )}
      </div>
      {(view.kind === 'buttons' || view.kind === 'template') && view.buttons.length > 0 && (
        // biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border, padding, min-width and legend rules.
        <div className="phone-replies" role="group" aria-label={t('sandbox.replyButtons')}>
          {view.buttons.map((option, i) => (
            <button
              // biome-ignore lint/suspicious/noArrayIndexKey: a sent message's reply buttons never change order and hold no state; the position keeps the keys unique.
              key={`${option.id}-${i}`}
              type="button"
              className="phone-reply"
              disabled={busy}
              onClick={() => onChoose(view.kind === 'buttons' ? 'button' : 'template', option, message.wamid)}
            >
              {option.title}
            </button>
          ))}
        </div>
      )}
      {view.kind === 'list' && (
        <div className="phone-replies">
          <button type="button" className="phone-reply" onClick={onOpenList} aria-haspopup="dialog">
            <Icon name="list" size={18} /> {view.button}
          </button>
        </div>
      )}
    </li>
  );
}

function PhoneContent({ view, imageUrl }: { view: PhoneView; imageUrl: string | null }) {
  const { t } = useTranslation();
  switch (view.kind) {
    case 'text':
      return <p className="phone-text">{view.body}</p>;
    case 'buttons':
    case 'list':
      return (
        <>
          {view.header && <p className="phone-header-text">{view.header}</p>}
          <p className="phone-text">{view.body}</p>
          {view.footer && <p className="phone-footer">{view.footer}</p>}
        </>
      );
    case 'template':
      return <p className="phone-text">{view.body}</p>;
    case 'choice':
      return (
        <p className="phone-text">
          {view.title}
          {view.description && <span className="block phone-footer">{view.description}</span>}
        </p>
      );
    case 'media':
      return (
        <>
          {imageUrl || (view.mediaType === 'image' && view.link) ? (
            <img src={imageUrl ?? view.link} alt={view.caption || t('inbox.media.image')} className="phone-image" />
          ) : (
            <p className="phone-media">
              <Icon name={view.mediaType === 'document' ? 'document' : 'attach'} size={20} />{' '}
              {view.fileName || t(`inbox.media.${view.mediaType}`, { defaultValue: view.mediaType })}
            </p>
          )}
          {view.caption && <p className="phone-text">{view.caption}</p>}
        </>
      );
    case 'location':
      return (
        <p className="phone-text">
          <Icon name="location" size={18} /> {view.name || t('inbox.location')}
          <span className="block phone-footer">
            {view.latitude.toFixed(5)}, {view.longitude.toFixed(5)}
          </span>
        </p>
      );
    case 'reaction':
      return <p className="phone-text">{view.emoji}</p>;
    case 'other':
      return <p className="phone-footer">{t('sandbox.otherType', { type: view.type })}</p>;
  }
}

function readImage(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

interface PendingImage {
  dataUrl: string;
  mimeType: 'image/jpeg' | 'image/png';
  name: string;
}

function PhoneComposer({
  busy,
  onSend,
}: {
  busy: boolean;
  onSend: (message: PhoneMessageInput, imageDataUrl?: string) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [image, setImage] = useState<PendingImage | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [sharing, setSharing] = useState(false);
  const textId = useId();
  const fileId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);

  const submit = async () => {
    if (busy) return;
    const body = text.trim();
    setProblem(null);
    let ok = false;
    if (image) {
      const dataBase64 = image.dataUrl.slice(image.dataUrl.indexOf(',') + 1);
      ok = await onSend(
        { type: 'image', dataBase64, mimeType: image.mimeType, ...(body ? { caption: body } : {}) },
        image.dataUrl,
      );
      if (ok) setImage(null);
    } else if (body) {
      ok = await onSend({ type: 'text', body });
    }
    if (ok) {
      setText('');
      textarea.current?.focus();
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit();
  };
  const pickImage = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setProblem(null);
    if (file.type !== 'image/jpeg' && file.type !== 'image/png') return setProblem(t('sandbox.imageType'));
    if (file.size > MAX_IMAGE_BYTES) return setProblem(t('sandbox.imageTooLarge'));
    try {
      setImage({ dataUrl: await readImage(file), mimeType: file.type, name: file.name });
      textarea.current?.focus();
    } catch {
      setProblem(t('sandbox.imageUnreadable'));
    }
  };

  return (
    <>
      {image && (
        <div className="phone-attachment">
          <img src={image.dataUrl} alt="" className="phone-attachment-thumb" />
          <span className="phone-attachment-name">{t('sandbox.photoReady', { name: image.name })}</span>
          <button
            type="button"
            className="icon-button"
            onClick={() => setImage(null)}
            aria-label={t('sandbox.removePhoto')}
          >
            ×
          </button>
        </div>
      )}
      {problem && (
        <div className="phone-error">
          <Alert tone="error">{problem}</Alert>
        </div>
      )}
      <form className="phone-composer" onSubmit={onSubmit}>
        <label className="phone-tool" htmlFor={fileId} title={t('sandbox.attachPhoto')}>
          <Icon name="attach" size={22} />
          <span className="visually-hidden">{t('sandbox.attachPhoto')}</span>
        </label>
        <input
          id={fileId}
          type="file"
          accept="image/jpeg,image/png"
          className="visually-hidden phone-file"
          onChange={(e) => void pickImage(e)}
        />
        <button
          type="button"
          className="phone-tool"
          onClick={() => setSharing(true)}
          aria-label={t('sandbox.shareLocation')}
          title={t('sandbox.shareLocation')}
        >
          <Icon name="location" size={22} />
        </button>
        <label htmlFor={textId} className="visually-hidden">
          {t('sandbox.message')}
        </label>
        <textarea
          id={textId}
          ref={textarea}
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={image ? t('sandbox.captionPlaceholder') : t('sandbox.message')}
          maxLength={image ? 1024 : 4096}
          className="phone-input"
        />
        <button
          type="submit"
          className="phone-send"
          aria-label={t('sandbox.send')}
          title={t('sandbox.send')}
          disabled={busy || (!text.trim() && !image)}
        >
          <Icon name="send" size={22} />
        </button>
      </form>
      <Modal open={sharing} title={t('sandbox.shareLocation')} onClose={() => setSharing(false)}>
        <LocationForm
          busy={busy}
          onShare={async (location) => {
            if (await onSend({ type: 'location', ...location })) setSharing(false);
          }}
        />
      </Modal>
    </>
  );
}

/** Port Louis by default: any point will do for trying the practice's answer. */
function LocationForm({
  busy,
  onShare,
}: {
  busy: boolean;
  onShare: (location: { latitude: number; longitude: number; name?: string }) => void;
}) {
  const { t } = useTranslation();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    onShare({
      latitude: Number(form.get('latitude')),
      longitude: Number(form.get('longitude')),
      ...(name ? { name } : {}),
    });
  };
  return (
    <form onSubmit={submit}>
      <div className="grid-2">
        <TextField
          label={t('sandbox.latitude')}
          name="latitude"
          type="number"
          step="any"
          min={-90}
          max={90}
          defaultValue="-20.16088"
          required
        />
        <TextField
          label={t('sandbox.longitude')}
          name="longitude"
          type="number"
          step="any"
          min={-180}
          max={180}
          defaultValue="57.50119"
          required
        />
      </div>
      <TextField label={t('sandbox.placeName')} name="name" defaultValue="Port Louis" maxLength={100} />
      <div className="actions dialog-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {t('sandbox.shareLocationSubmit')}
        </Button>
      </div>
    </form>
  );
}

/** The request bodies the practice POSTed to the Graph API, newest first, exactly as sent. */
function GraphPanel({ items, time }: { items: SandboxPhoneMessage[]; time: (iso: string) => string }) {
  const { t } = useTranslation();
  const recent = items
    .filter((m) => m.direction === 'to_phone')
    .slice(-GRAPH_ENTRIES)
    .reverse();
  return (
    <section className="sandbox-graph card" aria-labelledby="sandbox-graph-title">
      <h2 id="sandbox-graph-title">{t('sandbox.graphTitle')}</h2>
      <p className="muted small">{t('sandbox.graphIntro')}</p>
      {recent.length === 0 ? (
        <p className="muted">{t('sandbox.graphEmpty')}</p>
      ) : (
        recent.map((message, i) => (
          <details key={message.wamid} open={i === 0} className="graph-entry">
            <summary>
              {time(message.at)} · {String(message.payload.type ?? '?')}
              <span className="graph-wamid">{message.wamid}</span>
            </summary>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: long JSON scrolls sideways; focusable so keyboard users can scroll it. */}
            <pre className="json" tabIndex={0}>
              {JSON.stringify(graphBody(message), null, 2)}
            </pre>
          </details>
        ))
      )}
    </section>
  );
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
}
