import type { RecallMessage } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';

/**
 * A recall's WhatsApp message in the recall list, in words: when it was sent (delivered, read), or
 * why it has not gone (waiting for the daily limit, no consent to recalls, ...), and the patient's
 * answer. Nothing while the recall has had no message.
 */
export function RecallMessageLine({
  message,
  timeZone,
}: {
  message: RecallMessage | null | undefined;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  if (!message) return null;
  const when = fmt.dateTime(message.at);
  const reason = message.reason
    ? t(`recallMessages.reasons.${message.reason}`, {
        defaultValue: t(`reminders.reasons.${message.reason}`, { defaultValue: t('reminders.reasons.unknown') }),
      })
    : '';
  const state = t(`recallMessages.states.${message.state}`, { when, reason });
  const reply = message.reply ? ` ${t(`recallMessages.replies.${message.reply}`)}` : '';
  return (
    <span className={`sub-line recall-message recall-message-${message.state}`} data-recall-message={message.state}>
      {state}
      {reply}
    </span>
  );
}
