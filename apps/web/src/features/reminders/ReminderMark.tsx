import type { AppointmentReminder } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import type { ReactElement } from 'react';
import { type ReminderMarkKind, reminderLineText } from './reminder-state';

/**
 * A reminder's state as a small drawn icon (never colour alone: each kind has its own shape): a bell
 * while planned, WhatsApp's ✓ / ✓✓ once sent and delivered, blue ✓✓ read, a ticked circle once the
 * patient confirmed, ! failed, a struck bell when not sent. `label` is its name and tooltip; on a
 * calendar card the card's own name says it too.
 */
export function ReminderMark({
  kind,
  label,
  decorative = false,
}: {
  kind: ReminderMarkKind;
  label: string;
  /** Beside words that say the same: a tooltip only, nothing more for a screen reader. */
  decorative?: boolean;
}) {
  return (
    <span
      className={`reminder-mark reminder-${kind}`}
      {...(decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label })}
      title={label}
    >
      <svg
        width="16"
        height="16"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        {GLYPHS[kind]}
      </svg>
    </span>
  );
}

const BELL = 'M18 9a6 6 0 0 0-12 0c0 6-2.5 8-2.5 8h17S18 15 18 9M10.3 20.5a2 2 0 0 0 3.4 0';
const GLYPHS: Record<ReminderMarkKind, ReactElement> = {
  planned: <path d={BELL} />,
  sent: <path d="M4 13l5 5L20 6" />,
  delivered: <path d="M1.5 13l5 5L17 6M11 17l1 1L22.5 6" />,
  read: <path d="M1.5 13l5 5L17 6M11 17l1 1L22.5 6" />,
  confirmed: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 12.5l3 3 5-6" />
    </>
  ),
  failed: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7.5v5.5M12 16.5h.01" />
    </>
  ),
  skipped: (
    <>
      <path d={BELL} />
      <path d="M3 3l18 18" />
    </>
  ),
};

/**
 * The appointment panel's list of reminders: each with its time and, when it was not sent or
 * failed, why in words; those planned for an earlier start (the visit moved) under their own note.
 */
export function AppointmentRemindersSection({
  reminders,
  appointmentStart,
  loading,
  when,
  headingId,
}: {
  reminders: readonly AppointmentReminder[] | undefined;
  appointmentStart: string;
  loading: boolean;
  when: (iso: string) => string;
  headingId: string;
}) {
  const { t } = useTranslation();
  const start = Date.parse(appointmentStart);
  const sorted = [...(reminders ?? [])].sort(
    (a, b) =>
      Date.parse(b.appointmentStart) - Date.parse(a.appointmentStart) || Date.parse(a.dueAt) - Date.parse(b.dueAt),
  );
  return (
    <section aria-labelledby={headingId} className="appointment-reminders">
      <h3 id={headingId}>{t('reminders.panelTitle')}</h3>
      {loading && !reminders ? (
        <p className="muted">{t('common.loading')}</p>
      ) : sorted.length === 0 ? (
        <p className="muted">{t('reminders.panelEmpty')}</p>
      ) : (
        <ul className="plain-list">
          {sorted.map((r) => {
            const kind: ReminderMarkKind = r.state;
            const text = reminderLineText(r, t, when);
            const earlier = Date.parse(r.appointmentStart) !== start;
            return (
              <li key={`${r.appointmentStart}:${r.offsetMinutes}`} className={earlier ? 'is-earlier' : undefined}>
                <ReminderMark kind={kind} label={t(`reminders.states.${r.state}`)} decorative />
                <span>
                  {text}
                  {earlier && (
                    <span className="muted small block">
                      {t('reminders.earlierStart', { when: when(r.appointmentStart) })}
                    </span>
                  )}
                  {r.sharedWith.length > 0 && (
                    <span className="muted small block">
                      {t('reminders.sharedWith', { count: r.sharedWith.length })}
                    </span>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
