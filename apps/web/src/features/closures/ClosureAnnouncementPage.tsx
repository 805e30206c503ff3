import {
  CLOSURE_ITEM_STATUSES,
  type ClosureAnnouncement,
  type ClosureAnnouncementItem,
  type ClosureItemStatus,
} from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { usePractice } from '../practices/practices.api';
import { useCurrentPractice } from '../shell/AppShell';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { wallTimeOf } from '../scheduling/zoned-time';
import { closuresApi, refreshClosures, useClosureAnnouncement } from './closures.api';

/** The pill's colour: done (rebooked, called), the desk must act (needs a call), or on its way. */
const PILL: Partial<Record<ClosureItemStatus, string>> = {
  rebooked: 'status-confirmed',
  called: 'status-confirmed',
  needs_call: 'status-cancelled',
};

/**
 * A closure's announcement: each affected appointment's patient, whether they were reached
 * (sent, delivered, read), replied, rebooked, or still need a phone call and why; the desk marks a
 * call made. Read again every 15 seconds while open.
 */
export function ClosureAnnouncementPage() {
  const { announcementId = '' } = useParams();
  const { membership } = useCurrentPractice();
  const practice = usePractice(membership.practiceId);
  const announcement = useClosureAnnouncement(membership.practiceId, announcementId);
  if (practice.isError) return <ErrorAlert error={practice.error} />;
  if (announcement.isError) return <ErrorAlert error={announcement.error} />;
  if (!practice.data || !announcement.data) return <Loading />;
  return <AnnouncementView announcement={announcement.data} timeZone={practice.data.timeZone} />;
}

function AnnouncementView({ announcement, timeZone }: { announcement: ClosureAnnouncement; timeZone: string }) {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const fmt = useCalendarFormat(timeZone);
  const day = wallTimeOf(announcement.start, timeZone).day;
  const reason = t(`closures.reasons.${announcement.reason}`);
  const summary = CLOSURE_ITEM_STATUSES.filter((s) => announcement.counts[s] > 0)
    .map((s) => `${t(`closures.status.${s}`)}: ${announcement.counts[s]}`)
    .join(' · ');
  return (
    <div className="page closure-announcement">
      <p>
        <Link to={`/app/${practiceId}/calendar?date=${day}`}>{t('closures.page.backToCalendar')}</Link>
      </p>
      <h1>{t('closures.page.title', { reason })}</h1>
      <p>
        {t('closures.page.range', { from: fmt.dateTime(announcement.start), to: fmt.dateTime(announcement.end) })}
        {announcement.note ? ` — ${announcement.note}` : ''}
      </p>
      <p aria-live="polite">
        {t('closures.page.total', { count: announcement.total })}
        {summary ? ` (${summary})` : ''}
      </p>
      {announcement.items.length > 0 && (
        <div className="table-wrap">
          <table className="list-table">
            <caption className="visually-hidden">{t('closures.page.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('closures.list.time')}</th>
                <th scope="col">{t('closures.list.patient')}</th>
                <th scope="col">{t('closures.list.dentist')}</th>
                <th scope="col">{t('closures.list.status')}</th>
                {can('calendar:write') && <th scope="col">{t('closures.list.call')}</th>}
              </tr>
            </thead>
            <tbody>
              {announcement.items.map((item) => (
                <ItemRow
                  key={item.itemId}
                  item={item}
                  announcementId={announcement.id}
                  practiceId={practiceId}
                  when={fmt.dateTime(item.start)}
                  canCall={can('calendar:write')}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ItemRow({
  item,
  announcementId,
  practiceId,
  when,
  canCall,
}: {
  item: ClosureAnnouncementItem;
  announcementId: string;
  practiceId: string;
  when: string;
  canCall: boolean;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const mark = useMutation({
    mutationFn: (called: boolean) => closuresApi.markCalled(practiceId, announcementId, item.itemId, called),
    onSuccess: (_answer, called) => {
      toast(called ? t('closures.page.marked', { name: item.patientName }) : t('closures.page.unmarked'));
      void refreshClosures(queryClient, practiceId);
    },
  });
  const why =
    item.status === 'needs_call' && item.callReason
      ? item.callReason === 'message_failed' && item.failureReason
        ? t(`inbox.failure.${item.failureReason}`, { defaultValue: t('closures.callReasons.message_failed') })
        : t(`closures.callReasons.${item.callReason}`)
      : '';
  return (
    <tr data-closure-item={item.itemId} data-status={item.status}>
      <td>{when}</td>
      <td>
        <Link to={`/app/${practiceId}/patients/${item.patientId}`}>{item.patientName}</Link>
      </td>
      <td>{item.providerName}</td>
      <td>
        <span className={`status-pill ${PILL[item.status] ?? ''}`}>{t(`closures.status.${item.status}`)}</span>
        {why && <span className="sub-line">{why}</span>}
        {mark.error ? <ErrorAlert error={mark.error} /> : null}
      </td>
      {canCall && (
        <td>
          {item.status === 'called' ? (
            <Button
              variant="ghost"
              busy={mark.isPending}
              onClick={() => mark.mutate(false)}
              aria-label={t('closures.page.unmarkFor', { name: item.patientName })}
            >
              {t('closures.page.unmark')}
            </Button>
          ) : item.status !== 'rebooked' ? (
            <Button
              busy={mark.isPending}
              onClick={() => mark.mutate(true)}
              aria-label={t('closures.page.markFor', { name: item.patientName })}
            >
              {t('closures.page.mark')}
            </Button>
          ) : null}
        </td>
      )}
    </tr>
  );
}
