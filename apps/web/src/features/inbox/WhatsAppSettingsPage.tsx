import { MESSAGING_LIMIT_TIERS, type WhatsAppChannel } from '@dentalpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import type { WhatsAppChannelInputBody } from '../../api/contracts';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { CopyField } from '../../components/CopyField';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../components/errors';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { useDateFormat } from '../../components/format';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { usePractice } from '../practices/practices.api';
import { useCurrentPractice } from '../shell/AppShell';
import { inboxApi, useTemplates, useWhatsAppChannel, whatsappKeys } from './inbox.api';

/** Settings → WhatsApp: the Meta number, automatic replies and templates. Owners edit; everyone else reads. */
export function WhatsAppSettingsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const manage = can('practice:manage');
  const channel = useWhatsAppChannel(practiceId);
  const notConfigured = isApiError(channel.error, 'whatsapp_not_configured');

  if (channel.isPending) return <Loading />;
  if (channel.isError && !notConfigured) return <ErrorAlert error={channel.error} />;
  const current = channel.data ?? null;

  return (
    <div className="stack-lg">
      <div>
        {!manage && <Alert tone="info">{t('whatsappSettings.readOnly')}</Alert>}
        {current?.sandbox && (
          <Alert tone="info" title={t('whatsappSettings.sandboxTitle')}>
            {t('whatsappSettings.sandboxText')}{' '}
            <a href="/sandbox/whatsapp" target="_blank" rel="noopener">
              {t('nav.sandbox')}
              <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
            </a>
          </Alert>
        )}
        {current?.sendingPausedReason && (
          <Alert tone="warning" title={t('inbox.pausedTitle')}>
            {t(`inbox.failure.${current.sendingPausedReason}`, { defaultValue: current.sendingPausedReason })}
          </Alert>
        )}
      </div>
      {!current && !manage ? (
        <EmptyState icon={<Icon name="inbox" size={40} />} title={t('inbox.notConfiguredTitle')}>
          <p>{t('inbox.notConfiguredStaff')}</p>
        </EmptyState>
      ) : (
        <ChannelForm
          key={`${current?.id ?? 'new'}-${channel.dataUpdatedAt}`}
          practiceId={practiceId}
          channel={current}
          editable={manage}
        />
      )}
      {current && (
        <section aria-labelledby="wa-webhook-title" className="card form-card">
          <h2 id="wa-webhook-title">{t('whatsappSettings.webhookTitle')}</h2>
          <CopyField
            label={t('whatsappSettings.webhookUrl')}
            value={current.webhookUrl}
            hint={t('whatsappSettings.webhookHint')}
          />
        </section>
      )}
      {current && <TemplatesSection practiceId={practiceId} manage={manage} />}
    </div>
  );
}

/** The select's value for the portfolio's limit: '' while nobody set it. */
function limitChoiceOf(channel: WhatsAppChannel | null): string {
  const limit = channel?.messagingLimit;
  if (!limit || limit.source === 'default') return '';
  return limit.dailyLimit === null ? 'unlimited' : String(limit.dailyLimit);
}

/** Meta's limit when it is none of the tiers an owner may choose (Meta reports 1,000 and 50 too), else null. */
function offTierLimit(channel: WhatsAppChannel): number | null {
  const limit = channel.messagingLimit.dailyLimit;
  return limit !== null && !(MESSAGING_LIMIT_TIERS as readonly number[]).includes(limit) ? limit : null;
}

/** 10,000 in English, 10 000 in French. */
const formatCount = (n: number, language: string) =>
  new Intl.NumberFormat(language.startsWith('fr') ? 'fr-FR' : 'en-GB').format(n);

/** Who set the limit and how much of it the last 24 hours used. */
function MessagingLimitState({ limit }: { limit: WhatsAppChannel['messagingLimit'] }) {
  const { t, i18n } = useTranslation();
  const used =
    limit.dailyLimit === null
      ? t('whatsappSettings.limitUsedUnlimited', { count: limit.reachedLast24h })
      : t('whatsappSettings.limitUsed', {
          count: limit.reachedLast24h,
          limit: formatCount(limit.dailyLimit, i18n.language),
        });
  return (
    <>
      {t(`whatsappSettings.limitSource.${limit.source}`)} {used}{' '}
      {t(limit.sharedBy === 'account' ? 'whatsappSettings.limitSharedAccount' : 'whatsappSettings.limitSharedNumber')}
    </>
  );
}

function ChannelForm({
  practiceId,
  channel,
  editable,
}: {
  practiceId: string;
  channel: WhatsAppChannel | null;
  editable: boolean;
}) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (input: WhatsAppChannelInputBody) => inboxApi.saveChannel(practiceId, input),
    onSuccess: async (saved) => {
      toast(t('whatsappSettings.saved'));
      if (saved && typeof saved === 'object' && 'id' in saved)
        queryClient.setQueryData(whatsappKeys.channel(practiceId), saved);
      else await queryClient.invalidateQueries({ queryKey: whatsappKeys.channel(practiceId) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const token = text('accessToken');
    // The limit is sent only when the owner changed it: saving the form keeps what Meta set.
    const limit = text('dailyMessagingLimit');
    const limitChanged = limit !== '' && limit !== limitChoiceOf(channel);
    save.mutate({
      phoneNumberId: text('phoneNumberId'),
      displayPhoneNumber: text('displayPhoneNumber'),
      wabaId: text('wabaId'),
      // Empty: keep the saved token (it is never sent back to the browser).
      ...(token ? { accessToken: token } : {}),
      throughputPerSecond: Number(text('throughputPerSecond')) || 80,
      ...(limitChanged
        ? { dailyMessagingLimit: limit === 'unlimited' ? null : (Number(limit) as 250 | 2000 | 10000 | 100000) }
        : {}),
      autoReplies: {
        greetingEnabled: form.get('greetingEnabled') === 'on',
        greetingEn: text('greetingEn'),
        greetingFr: text('greetingFr'),
        awayEnabled: form.get('awayEnabled') === 'on',
        awayEn: text('awayEn'),
        awayFr: text('awayFr'),
      },
    });
  };
  const err = save.error;
  const replies = channel?.autoReplies;
  const hasToken = channel?.hasAccessToken ?? false;

  return (
    <form onSubmit={submit} className="stack-lg" aria-label={t('whatsappSettings.formLabel')}>
      <section aria-labelledby="wa-channel-title" className="card form-card">
        <h2 id="wa-channel-title">{t('whatsappSettings.channelTitle')}</h2>
        <p className="muted">{t('whatsappSettings.channelIntro')}</p>
        <fieldset disabled={!editable} className="plain">
          <legend className="visually-hidden">{t('whatsappSettings.channelTitle')}</legend>
          <div className="grid-2">
            <TextField
              label={t('whatsappSettings.phoneNumberId')}
              name="phoneNumberId"
              defaultValue={channel?.phoneNumberId ?? ''}
              required
              inputMode="numeric"
              pattern="[0-9]{5,32}"
              autoComplete="off"
              className="mono-input"
              hint={t('whatsappSettings.phoneNumberIdHint')}
              error={fieldError(err, 'phoneNumberId')}
            />
            <TextField
              label={t('whatsappSettings.displayPhoneNumber')}
              name="displayPhoneNumber"
              type="tel"
              defaultValue={channel?.displayPhoneNumber ?? ''}
              maxLength={30}
              autoComplete="off"
              hint={t('whatsappSettings.displayPhoneNumberHint')}
              error={fieldError(err, 'displayPhoneNumber')}
            />
            <TextField
              label={t('whatsappSettings.wabaId')}
              name="wabaId"
              defaultValue={channel?.wabaId ?? ''}
              inputMode="numeric"
              pattern="[0-9]*"
              maxLength={32}
              autoComplete="off"
              className="mono-input"
              hint={t('whatsappSettings.wabaIdHint')}
              error={fieldError(err, 'wabaId')}
            />
            <TextField
              label={t('whatsappSettings.throughput')}
              name="throughputPerSecond"
              type="number"
              min={1}
              max={1000}
              step={1}
              defaultValue={channel?.throughputPerSecond ?? 80}
              hint={t('whatsappSettings.throughputHint')}
              error={fieldError(err, 'throughputPerSecond')}
            />
            {channel && (
              <SelectField
                label={t('whatsappSettings.limit')}
                name="dailyMessagingLimit"
                defaultValue={limitChoiceOf(channel)}
                hint={<MessagingLimitState limit={channel.messagingLimit} />}
                error={fieldError(err, 'dailyMessagingLimit')}
              >
                {channel.messagingLimit.source === 'default' && (
                  <option value="">{t('whatsappSettings.limitNotSet')}</option>
                )}
                {MESSAGING_LIMIT_TIERS.map((tier) => (
                  <option key={tier} value={String(tier)}>
                    {t('whatsappSettings.limitTier', { limit: formatCount(tier, i18n.language) })}
                  </option>
                ))}
                {/* Meta also reports tiers an owner is not offered (TIER_1K, TIER_50): shown as they are, so saving keeps them. */}
                {offTierLimit(channel) !== null && (
                  <option value={String(offTierLimit(channel))}>
                    {t('whatsappSettings.limitTier', { limit: formatCount(offTierLimit(channel)!, i18n.language) })}
                  </option>
                )}
                <option value="unlimited">{t('whatsappSettings.limitUnlimited')}</option>
              </SelectField>
            )}
          </div>
          {/* The sandbox needs no token: it plays Meta itself. */}
          {!channel?.sandbox && (
            <p className="token-state">
              <span className={`status-pill ${hasToken ? 'status-confirmed' : 'status-cancelled'}`}>
                {hasToken ? t('whatsappSettings.tokenSet') : t('whatsappSettings.tokenMissing')}
              </span>
            </p>
          )}
          {editable && (
            <TextField
              label={hasToken ? t('whatsappSettings.replaceToken') : t('whatsappSettings.accessToken')}
              name="accessToken"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              minLength={10}
              maxLength={1000}
              className="mono-input"
              hint={hasToken ? t('whatsappSettings.replaceTokenHint') : t('whatsappSettings.accessTokenHint')}
              error={fieldError(err, 'accessToken')}
            />
          )}
        </fieldset>
      </section>

      <section aria-labelledby="wa-replies-title" className="card form-card">
        <h2 id="wa-replies-title">{t('whatsappSettings.autoRepliesTitle')}</h2>
        <p className="muted">{t('whatsappSettings.autoRepliesIntro')}</p>
        <fieldset disabled={!editable} className="plain auto-reply">
          <legend className="section-legend">{t('whatsappSettings.greetingTitle')}</legend>
          <p className="field-hint">{t('whatsappSettings.greetingHint')}</p>
          <label className="checkbox">
            <input type="checkbox" name="greetingEnabled" defaultChecked={replies?.greetingEnabled ?? false} />
            {t('whatsappSettings.greetingEnabled')}
          </label>
          <div className="grid-2">
            <TextAreaField
              label={t('whatsappSettings.textEn')}
              name="greetingEn"
              lang="en"
              defaultValue={replies?.greetingEn ?? ''}
              maxLength={1024}
              error={fieldError(err, 'autoReplies.greetingEn')}
            />
            <TextAreaField
              label={t('whatsappSettings.textFr')}
              name="greetingFr"
              lang="fr"
              defaultValue={replies?.greetingFr ?? ''}
              maxLength={1024}
              error={fieldError(err, 'autoReplies.greetingFr')}
            />
          </div>
        </fieldset>
        <fieldset disabled={!editable} className="plain auto-reply">
          <legend className="section-legend">{t('whatsappSettings.awayTitle')}</legend>
          <p className="field-hint">
            {t('whatsappSettings.awayHint')}{' '}
            <Link to={`/app/${practiceId}/settings/calendar/opening-hours`}>
              {t('whatsappSettings.openingHoursLink')}
            </Link>
          </p>
          <label className="checkbox">
            <input type="checkbox" name="awayEnabled" defaultChecked={replies?.awayEnabled ?? false} />
            {t('whatsappSettings.awayEnabled')}
          </label>
          <div className="grid-2">
            <TextAreaField
              label={t('whatsappSettings.textEn')}
              name="awayEn"
              lang="en"
              defaultValue={replies?.awayEn ?? ''}
              maxLength={1024}
              error={fieldError(err, 'autoReplies.awayEn')}
            />
            <TextAreaField
              label={t('whatsappSettings.textFr')}
              name="awayFr"
              lang="fr"
              defaultValue={replies?.awayFr ?? ''}
              maxLength={1024}
              error={fieldError(err, 'autoReplies.awayFr')}
            />
          </div>
        </fieldset>
      </section>

      {editable && (
        <div className="form-card">
          <ErrorAlert error={err} />
          <div className="actions">
            <Button type="submit" variant="primary" busy={save.isPending}>
              {channel ? t('common.save') : t('whatsappSettings.connect')}
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}

function TemplatesSection({ practiceId, manage }: { practiceId: string; manage: boolean }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const practice = usePractice(practiceId);
  const format = useDateFormat(practice.data?.timeZone);
  const templates = useTemplates(practiceId);
  const sync = useMutation({
    mutationFn: () => inboxApi.syncTemplates(practiceId),
    onSuccess: (list) => {
      queryClient.setQueryData(whatsappKeys.templates(practiceId), list);
      toast(t('whatsappSettings.synced', { count: list.items.length }));
    },
  });
  const items = templates.data?.items ?? [];
  const syncedAt = templates.data?.syncedAt ?? null;

  return (
    <section aria-labelledby="wa-templates-title">
      <div className="page-head">
        <h2 id="wa-templates-title">{t('whatsappSettings.templatesTitle')}</h2>
        {manage && (
          <Button onClick={() => sync.mutate()} busy={sync.isPending}>
            {t('whatsappSettings.sync')}
          </Button>
        )}
      </div>
      <p className="muted">
        {t('whatsappSettings.templatesIntro')}{' '}
        {syncedAt
          ? t('whatsappSettings.syncedAt', { date: format.dateTime(syncedAt) })
          : t('whatsappSettings.neverSynced')}
      </p>
      <ErrorAlert error={sync.error} />
      {templates.isPending ? (
        <Loading />
      ) : templates.isError ? (
        <ErrorAlert error={templates.error} />
      ) : items.length === 0 ? (
        <p className="muted">{t('whatsappSettings.noTemplates')}</p>
      ) : (
        <div className="table-wrap">
          <table className="templates-table">
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('whatsappSettings.language')}</th>
                <th scope="col">{t('whatsappSettings.category')}</th>
                <th scope="col">{t('whatsappSettings.status')}</th>
                <th scope="col">{t('whatsappSettings.body')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((template) => (
                <tr key={template.id}>
                  <th scope="row" className="mono break">
                    {template.name}
                  </th>
                  <td>{template.language}</td>
                  <td>{t(`whatsappSettings.categories.${template.category}`, { defaultValue: template.category })}</td>
                  <td>
                    <span className={`status-pill template-status-${template.status.toLowerCase()}`}>
                      {t(`whatsappSettings.statuses.${template.status.toUpperCase()}`, {
                        defaultValue: template.status,
                      })}
                    </span>
                  </td>
                  <td className="template-body">
                    <span className="pre-line">{template.body}</span>
                    {template.quickReplies.length > 0 && (
                      <span className="block small muted">
                        {t('whatsappSettings.quickReplies', { list: template.quickReplies.join(' · ') })}
                      </span>
                    )}
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
