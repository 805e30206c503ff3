import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProviders } from '../scheduling/scheduling.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { todayIn } from '../scheduling/zoned-time';
import { ClosePracticeDialog } from './ClosePracticeDialog';
import { useClosureAnnouncements } from './closures.api';

const DAY_MS = 86_400_000;

/**
 * Settings → Calendar → Closures: the closures patients were told about (the last 30 days and those
 * to come), each with how many still need a call and a link to its list; owners close from here too.
 */
export function ClosureAnnouncementsSection({
  practiceId,
  timeZone,
  manage,
}: {
  practiceId: string;
  timeZone: string;
  manage: boolean;
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const providers = useProviders(practiceId);
  const [closing, setClosing] = useState(false);
  const range = useMemo(() => {
    const now = Date.now();
    return { from: new Date(now - 30 * DAY_MS).toISOString(), to: new Date(now + 366 * DAY_MS).toISOString() };
  }, []);
  const announcements = useClosureAnnouncements(practiceId, range);
  return (
    <section aria-labelledby="closure-announcements-title">
      <h2 id="closure-announcements-title">{t('closures.settings.title')}</h2>
      <p className="muted">{t('closures.settings.intro')}</p>
      {announcements.isError && <ErrorAlert error={announcements.error} />}
      {(announcements.data ?? []).length === 0 ? (
        <p className="muted">{t('closures.settings.empty')}</p>
      ) : (
        <ul className="plain-list">
          {(announcements.data ?? []).map((a) => (
            <li key={a.id}>
              <Link to={`/app/${practiceId}/closures/${a.id}`}>
                {fmt.dateTime(a.start)} – {fmt.dateTime(a.end)}: {t(`closures.reasons.${a.reason}`)}
              </Link>{' '}
              <span className="muted">
                {t('closures.settings.counts', { total: a.total, toCall: a.counts.needs_call })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {manage && (
        <>
          <Button onClick={() => setClosing(true)} aria-haspopup="dialog">
            {t('closures.action')}
          </Button>
          <ClosePracticeDialog
            open={closing}
            practiceId={practiceId}
            timeZone={timeZone}
            day={todayIn(timeZone)}
            providers={providers.data ?? []}
            onClose={() => setClosing(false)}
          />
        </>
      )}
    </section>
  );
}
