import { useEffect } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth, wasSignedIn } from '../auth/auth';
import { LanguagePicker } from '../components/LanguagePicker';

/** Signed out: sign in or sign up. A tab that was signed in before a reload signs in again. */
export function Landing() {
  const { t } = useTranslation();
  const auth = useAuth();
  const again = wasSignedIn();
  useEffect(() => {
    if (again) {
      void auth.signIn();
    }
  }, [again, auth]);
  return (
    <div className="public">
      <header className="public-header">
        <span className="brand">{t('app.name')}</span>
        <LanguagePicker />
      </header>
      <main id="main" className="public-main">
        <h1>{t('landing.title')}</h1>
        <p className="lead">{t('landing.lead')}</p>
        {again ? (
          <p role="status">{t('landing.redirecting')}</p>
        ) : (
          <div className="actions">
            <button type="button" className="primary" onClick={() => void auth.signIn()}>
              {t('landing.signIn')}
            </button>
            <Link className="button" to="/signup">
              {t('landing.signUp')}
            </Link>
          </div>
        )}
      </main>
    </div>
  );
}
