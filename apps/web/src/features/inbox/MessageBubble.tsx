import type { InboxMessage, MessageContent } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { useDateFormat } from '../../components/format';
import { Icon } from '../../components/Icon';
import { usePractice } from '../practices/practices.api';
import { mediaUrl } from './inbox.api';
import { StatusTicks } from './StatusTicks';

interface MessageBubbleProps {
  practiceId: string;
  message: InboxMessage;
  /** Who the patient is, for screen readers ("Aisha Ramjaun: ..."). */
  contact: string;
  time: string;
  fullTime: string;
  /** Shown above the bubble when the day changes. */
  dayDivider: string | null;
  onMediaLoad?: () => void;
}

/** One message: patient's on the left, the practice's on the right, as on WhatsApp. */
export function MessageBubble({
  practiceId,
  message,
  contact,
  time,
  fullTime,
  dayDivider,
  onMediaLoad,
}: MessageBubbleProps) {
  const { t } = useTranslation();
  const outbound = message.direction === 'outbound';
  const automatic =
    message.origin === 'greeting' ||
    message.origin === 'away' ||
    message.origin === 'system' ||
    message.origin === 'assistant';
  const author = outbound
    ? (message.sentBy?.name ?? t(message.origin === 'assistant' ? 'inbox.origin.assistant' : 'inbox.practice'))
    : contact;
  return (
    // biome-ignore lint/a11y/noRedundantRoles: Safari drops list semantics from lists styled without bullets; the explicit role keeps them.
    <li role="listitem" className={`message-row message-${message.direction}`}>
      {dayDivider && (
        <p className="day-divider">
          <span>{dayDivider}</span>
        </p>
      )}
      <div
        className={`bubble bubble-${message.direction}${message.status === 'failed' ? ' is-failed' : ''}${automatic ? ' is-automatic' : ''}`}
      >
        <span className="visually-hidden">{author}: </span>
        {automatic && <p className="bubble-origin">{t(`inbox.origin.${message.origin}`)}</p>}
        {message.replyTo && (
          <blockquote className="bubble-quote">
            <span className="visually-hidden">{t('inbox.inReplyTo')} </span>
            {message.replyTo.preview}
          </blockquote>
        )}
        <MessageContentView
          practiceId={practiceId}
          message={message}
          content={message.content}
          onMediaLoad={onMediaLoad}
        />
        {/* Keeps the message's last word apart from its time in the text read out ("…number 1 20:05"). */}{' '}
        <p className="bubble-meta">
          {outbound && message.sentBy && <span className="bubble-author">{message.sentBy.name}</span>}
          <time dateTime={message.createdAt} title={fullTime}>
            {time}
          </time>
          {outbound && message.status !== 'received' && <StatusTicks status={message.status} />}
        </p>
        {message.reactions.length > 0 && (
          <ul className="bubble-reactions" aria-label={t('inbox.reactions')}>
            {message.reactions.map((reaction, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: reactions have no id and these items hold no state; the position keeps the keys unique.
              <li key={`${reaction.by}-${i}`} title={t(`inbox.reactionBy.${reaction.by}`)}>
                <span aria-hidden="true">{reaction.emoji}</span>
                <span className="visually-hidden">
                  {reaction.emoji} {t(`inbox.reactionBy.${reaction.by}`)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {message.held && <HeldNotice practiceId={practiceId} until={message.held.until} />}
      {message.failure && (
        <p className="bubble-failure">
          <strong>{t('inbox.notDelivered')}</strong> {t(`inbox.failure.${message.failure.reason}`)}
          {(message.failure.detail || message.failure.code !== null) && (
            <span className="bubble-failure-detail">
              {message.failure.code !== null && t('inbox.metaCode', { code: message.failure.code })}
              {message.failure.code !== null && message.failure.detail ? ' — ' : ''}
              {message.failure.detail}
            </span>
          )}
        </p>
      )}
    </li>
  );
}

function MessageContentView({
  practiceId,
  message,
  content,
  onMediaLoad,
}: {
  practiceId: string;
  message: InboxMessage;
  content: MessageContent;
  onMediaLoad?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  switch (content.type) {
    case 'text':
      return <p className="bubble-text">{content.body}</p>;
    case 'media': {
      const url = mediaUrl(practiceId, message.conversationId, message.id);
      const name = content.fileName || t(`inbox.media.${content.mediaType}`);
      return (
        <>
          {content.download === 'pending' ? (
            <p className="bubble-note">{t('inbox.media.pending', { kind: t(`inbox.media.${content.mediaType}`) })}</p>
          ) : content.download === 'failed' ? (
            <p className="bubble-note">{t('inbox.media.failed', { kind: t(`inbox.media.${content.mediaType}`) })}</p>
          ) : content.mediaType === 'image' || content.mediaType === 'sticker' ? (
            <a href={url} target="_blank" rel="noopener noreferrer" className="bubble-image-link">
              <img
                src={url}
                alt={content.caption || name}
                className={content.mediaType === 'sticker' ? 'bubble-sticker' : 'bubble-image'}
                loading="lazy"
                onLoad={onMediaLoad}
              />
              <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
            </a>
          ) : content.mediaType === 'audio' ? (
            // biome-ignore lint/a11y/useMediaCaption: media a patient sent on WhatsApp comes without captions; there is no track to give.
            <audio controls preload="none" src={url} aria-label={name} className="bubble-audio" />
          ) : content.mediaType === 'video' ? (
            // biome-ignore lint/a11y/useMediaCaption: media a patient sent on WhatsApp comes without captions; there is no track to give.
            <video
              controls
              preload="metadata"
              src={url}
              aria-label={name}
              className="bubble-video"
              onLoadedMetadata={onMediaLoad}
            />
          ) : (
            <a href={url} className="bubble-document" download={content.fileName || true}>
              <Icon name="document" size={28} />
              <span>
                {name}
                <span className="block small muted">{t('inbox.media.download', { type: content.mimeType })}</span>
              </span>
            </a>
          )}
          {content.caption && <p className="bubble-text">{content.caption}</p>}
        </>
      );
    }
    case 'choice':
      return (
        <p className="bubble-choice">
          <span className="bubble-choice-label">{t('inbox.choice')}</span>
          <span className="bubble-choice-title">{content.title}</span>
          {content.description && <span className="block small muted">{content.description}</span>}
        </p>
      );
    case 'buttons':
      return (
        <>
          <p className="bubble-text">{content.body}</p>
          {content.footer && <p className="bubble-footer">{content.footer}</p>}
          <ul className="bubble-buttons" aria-label={t('inbox.replyButtons')}>
            {content.buttons.map((button) => (
              <li key={button.id}>{button.title}</li>
            ))}
          </ul>
        </>
      );
    case 'list':
      return (
        <>
          <p className="bubble-text">{content.body}</p>
          {content.footer && <p className="bubble-footer">{content.footer}</p>}
          <details className="bubble-list">
            <summary>{t('inbox.listOptions', { label: content.buttonLabel })}</summary>
            {content.sections.map((section, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a sent list's sections never change order; titles are optional, so the position keeps the keys unique.
              <div key={`${section.title ?? ''}-${i}`}>
                {section.title && <p className="bubble-list-title">{section.title}</p>}
                <ul>
                  {section.rows.map((row) => (
                    <li key={row.id}>
                      {row.title}
                      {row.description && <span className="block small muted">{row.description}</span>}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </details>
        </>
      );
    case 'template':
      return (
        <>
          <p className="bubble-origin">
            {t('inbox.templateLabel', { name: content.name, language: content.language.toUpperCase() })}
          </p>
          <p className="bubble-text">{content.body}</p>
          {content.buttons.length > 0 && (
            <ul className="bubble-buttons" aria-label={t('inbox.replyButtons')}>
              {content.buttons.map((title, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a sent message's reply buttons never change order and hold no state; the position keeps the keys unique.
                <li key={`${title}-${i}`}>{title}</li>
              ))}
            </ul>
          )}
        </>
      );
    case 'location': {
      const query = `${content.latitude},${content.longitude}`;
      return (
        <p className="bubble-text">
          <span className="bubble-choice-label">{t('inbox.location')}</span>
          {content.name && <strong className="block">{content.name}</strong>}
          {content.address && <span className="block">{content.address}</span>}
          <a
            href={`https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(query)}`}
            target="_blank"
            rel="noopener noreferrer"
          >
            {t('inbox.openMap')}
            <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
          </a>
        </p>
      );
    }
    case 'contacts':
      return (
        <p className="bubble-text">
          <span className="bubble-choice-label">{t('inbox.sharedContacts')}</span>
          {content.names.join(', ')}
        </p>
      );
    case 'system':
      return <p className="bubble-note">{content.body}</p>;
    case 'unsupported':
      return <p className="bubble-note">{t('inbox.unsupported', { type: content.originalType })}</p>;
  }
}

/** A message held back by Meta's daily messaging limit: why it waits, and when it goes (on the practice's clock). */
function HeldNotice({ practiceId, until }: { practiceId: string; until: string }) {
  const { t } = useTranslation();
  const practice = usePractice(practiceId);
  const format = useDateFormat(practice.data?.timeZone);
  return (
    <p className="bubble-failure">
      <strong>{t('inbox.heldTitle')}</strong> {t('inbox.heldLimit', { time: format.dateTime(until) })}
    </p>
  );
}
