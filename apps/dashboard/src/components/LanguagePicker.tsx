import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGES, type Language } from '../i18n';

const NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="language">
      <label htmlFor={id} className="visually-hidden">
        {t('app.language')}
      </label>
      <select id={id} value={i18n.language} onChange={(e) => chooseLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  );
}
