import { type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { isApiError } from '../../../api/client';
import type { SandboxStateBody } from '../../../api/contracts';
import { Alert } from '../../../components/Alert';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatPhone } from '../../../components/format';
import { SelectField, TextField } from '../../../components/Field';
import { LanguageSwitch } from '../../../components/LanguageSwitch';
import { Loading } from '../../../components/Loading';
import { Brand, SkipLink } from '../../../components/PublicLayout';
import { homeFor, useMe } from '../../auth/auth.api';
import { useDebounced } from '../../scheduling/PatientPicker';
import { PhoneChat } from './PhoneChat';
import { useSandboxState } from './sandbox.api';

export const SANDBOX_PATH = '/sandbox/whatsapp';
const STORAGE_KEY = 'dentalpro.sandbox.whatsapp';
const DEFAULT_NUMBER = '23057123456';
const DEFAULT_NAME = 'Aisha Ramjaun';
const WA_ID = /^[0-9]{8,15}$/;

type Channel = SandboxStateBody['channels'][number];

interface SavedPhone {
  phoneNumberId?: string;
  waId?: string;
  profileName?: string;
  recent?: string[];
}

function loadSaved(): SavedPhone {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    return value && typeof value === 'object' ? (value as SavedPhone) : {};
  } catch {
    return {};
  }
}

function store(saved: SavedPhone) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Private mode: the phone forgets the number after this visit.
  }
}

/** Digits only: people paste "+230 5712 3456". */
const digits = (value: string) => value.replace(/[\s+().-]/g, '');

/**
 * A pretend patient phone for trying WhatsApp without Meta: the server plays the Graph API and the
 * webhooks. Staff only (it needs a session), outside the staff shell so it can sit beside the inbox.
 */
export function SandboxPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      const notice = me.error.code === 'session_expired' ? '&notice=session_expired' : '';
      return <Navigate to={`/login?next=${encodeURIComponent(SANDBOX_PATH)}${notice}`} replace />;
    }
    return (
      <SandboxFrame home="/">
        <ErrorAlert error={me.error} />
      </SandboxFrame>
    );
  }
  return (
    <SandboxFrame home={homeFor(me.data)}>
      <h1>{t('sandbox.title')}</h1>
      <Sandbox />
    </SandboxFrame>
  );
}

function SandboxFrame({ home, children }: { home: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="public sandbox-page">
      <SkipLink />
      <header className="public-header">
        <Link to="/" className="brand-link" aria-label={t('nav.homeLink')}>
          <Brand />
        </Link>
        <nav aria-label={t('sandbox.nav')} className="public-nav">
          <Link to={home}>{t('sandbox.backToApp')}</Link>
        </nav>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1} className="sandbox-main">
        {children}
      </main>
    </div>
  );
}

function Sandbox() {
  const { t } = useTranslation();
  const state = useSandboxState();
  if (state.isPending) return <Loading />;
  if (isApiError(state.error, 'sandbox_disabled') || (state.data && !state.data.enabled)) {
    return (
      <Alert tone="info" title={t('sandbox.disabledTitle')} urgent={false}>
        <p>{t('sandbox.disabledText')}</p>
      </Alert>
    );
  }
  if (state.isError) return <ErrorAlert error={state.error} />;
  if (state.data.channels.length === 0) {
    return (
      <Alert tone="info" title={t('sandbox.noChannelsTitle')} urgent={false}>
        <p>{t('sandbox.noChannelsText')}</p>
      </Alert>
    );
  }
  return <SandboxPhone channels={state.data.channels} />;
}

function SandboxPhone({ channels }: { channels: Channel[] }) {
  const { t } = useTranslation();
  const [saved] = useState(loadSaved);
  const [phoneNumberId, setPhoneNumberId] = useState(
    channels.some((c) => c.phoneNumberId === saved.phoneNumberId)
      ? (saved.phoneNumberId as string)
      : (channels[0] as Channel).phoneNumberId,
  );
  const [numberInput, setNumberInput] = useState(saved.waId ?? DEFAULT_NUMBER);
  const [numberTouched, setNumberTouched] = useState(false);
  const [profileName, setProfileName] = useState(saved.profileName ?? DEFAULT_NAME);
  const [recent, setRecent] = useState<string[]>(saved.recent ?? []);
  const numberListId = useId();
  // The chat follows the number once typing pauses, not at every digit.
  const settled = useDebounced(digits(numberInput), 400);
  const waId = WA_ID.test(settled) ? settled : null;
  const channel = channels.find((c) => c.phoneNumberId === phoneNumberId) ?? (channels[0] as Channel);
  const numberInvalid = numberTouched && !WA_ID.test(digits(numberInput));

  useEffect(() => {
    store({ phoneNumberId, waId: waId ?? undefined, profileName, recent });
  }, [phoneNumberId, waId, profileName, recent]);

  const remember = (number: string) => setRecent((list) => [number, ...list.filter((n) => n !== number)].slice(0, 8));
  const suggestions = [...new Set([...recent, DEFAULT_NUMBER])];

  return (
    <>
      <p className="lead">{t('sandbox.lead')}</p>
      <div className="sandbox-layout">
        <section className="sandbox-setup card" aria-labelledby="sandbox-setup-title">
          <h2 id="sandbox-setup-title">{t('sandbox.setupTitle')}</h2>
          <SelectField
            label={t('sandbox.practiceNumber')}
            value={channel.phoneNumberId}
            onChange={(e) => setPhoneNumberId(e.target.value)}
          >
            {channels.map((c) => (
              // The number first: a practice's long name is what the menu cuts short, never the number.
              <option key={c.phoneNumberId} value={c.phoneNumberId}>
                {c.displayPhoneNumber ? formatPhone(c.displayPhoneNumber) : c.phoneNumberId} — {c.practiceName}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('sandbox.patientNumber')}
            value={numberInput}
            onChange={(e) => setNumberInput(e.target.value)}
            onBlur={() => setNumberTouched(true)}
            list={numberListId}
            inputMode="numeric"
            autoComplete="off"
            className="mono-input"
            hint={t('sandbox.patientNumberHint')}
            error={numberInvalid ? t('sandbox.patientNumberInvalid') : undefined}
          />
          <datalist id={numberListId}>
            {suggestions.map((n) => (
              <option key={n} value={n} label={formatPhone(`+${n}`)} />
            ))}
          </datalist>
          <TextField
            label={t('sandbox.patientName')}
            value={profileName}
            onChange={(e) => setProfileName(e.target.value)}
            maxLength={100}
            autoComplete="off"
            hint={t('sandbox.patientNameHint')}
          />
        </section>
        {waId ? (
          <PhoneChat
            key={`${channel.phoneNumberId}-${waId}`}
            channel={channel}
            waId={waId}
            profileName={profileName.trim() || DEFAULT_NAME}
            onUsed={() => remember(waId)}
          />
        ) : (
          <section className="phone phone-empty" aria-label={t('sandbox.phone')}>
            <p>{t('sandbox.enterNumber')}</p>
          </section>
        )}
      </div>
    </>
  );
}
