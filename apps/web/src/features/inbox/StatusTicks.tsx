import { useTranslation } from 'react-i18next';

export type TickStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * WhatsApp's delivery ticks, drawn (no emoji or font glyphs): a clock while queued, ✓ sent,
 * ✓✓ delivered, blue ✓✓ read, ! failed. The status is the accessible name, and the tooltip.
 */
export function StatusTicks({ status }: { status: TickStatus }) {
  const { t } = useTranslation();
  const label = t(`inbox.messageStatus.${status}`);
  return (
    <span className={`ticks ticks-${status}`} role="img" aria-label={label} title={label}>
      <svg
        width="18"
        height="14"
        viewBox="0 0 18 14"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        {status === 'queued' || status === 'sending' ? (
          <>
            <circle cx="9" cy="7" r="5.5" />
            <path d="M9 4v3l2 1.5" />
          </>
        ) : status === 'failed' ? (
          <>
            <circle cx="9" cy="7" r="5.5" />
            <path d="M9 4v3.5M9 10h.01" />
          </>
        ) : status === 'sent' ? (
          <path d="M3 7.5l3 3 7-7.5" />
        ) : (
          <>
            <path d="M1 7.5l3 3 7-7.5" />
            <path d="M8.5 10.2l.3.3 7-7.5" />
          </>
        )}
      </svg>
    </span>
  );
}
