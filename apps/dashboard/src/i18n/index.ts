import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import de from './de.json';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
const CHOSEN = 'copilot.language';

/** The language chosen here before, else the browser's first one we have, else English. */
export function initialLanguage(): Language {
  const chosen = localStorage.getItem(CHOSEN);
  if (chosen && (LANGUAGES as readonly string[]).includes(chosen)) {
    return chosen as Language;
  }
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const base = wanted.slice(0, 2).toLowerCase();
    if ((LANGUAGES as readonly string[]).includes(base)) {
      return base as Language;
    }
  }
  return 'en';
}

export function chooseLanguage(language: Language): void {
  localStorage.setItem(CHOSEN, language);
  void i18n.changeLanguage(language);
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
