import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LanguagePicker } from './LanguagePicker';

/** A page for people who are not signed in: the name, the language, and a narrow column. */
export function PublicPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="public">
      <header className="public-header">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <LanguagePicker />
      </header>
      <main id="main" className="public-main narrow">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
