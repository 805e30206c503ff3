import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { LanguageSwitch } from './LanguageSwitch';

export function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href="#main">
      {t('nav.skipToContent')}
    </a>
  );
}

export function Brand() {
  return (
    <span className="brand">
      <img src="/favicon.svg" alt="" width={32} height={32} />
      <span>DentalPro</span>
    </span>
  );
}

/** The frame of the pages seen before logging in. */
export function PublicLayout({ children, narrow = false }: { children: ReactNode; narrow?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="public">
      <SkipLink />
      <header className="public-header">
        <Link to="/" className="brand-link" aria-label={t('nav.homeLink')}>
          <Brand />
        </Link>
        <nav aria-label={t('nav.publicNav')} className="public-nav">
          <NavLink to="/privacy">{t('nav.privacy')}</NavLink>
          <NavLink to="/login">{t('nav.login')}</NavLink>
        </nav>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1} className={narrow ? 'public-main narrow' : 'public-main'}>
        {children}
      </main>
      <footer className="public-footer">
        <span>© DentalPro</span>
        <Link to="/privacy">{t('nav.privacy')}</Link>
      </footer>
    </div>
  );
}
