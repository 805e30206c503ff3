import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { isUiLanguage, setLanguage } from '../i18n';

/** compact: the label is kept for assistive tech but not shown (the top bar is crowded). */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {t('language.label')}
      </label>
      <select
        id={id}
        value={i18n.resolvedLanguage ?? i18n.language}
        onChange={(e) => {
          if (isUiLanguage(e.target.value)) setLanguage(e.target.value);
        }}
      >
        <option value="en" lang="en">
          English
        </option>
        <option value="fr" lang="fr">
          Français
        </option>
      </select>
    </div>
  );
}
