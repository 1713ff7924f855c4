import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/auth';

/** Keycloak redirects here with the code; the code is exchanged (PKCE) and the user sent on. */
export function AuthCallback() {
  const { t } = useTranslation();
  const auth = useAuth();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) {
      return; // a code can be exchanged once (React's strict mode runs effects twice in dev)
    }
    started.current = true;
    auth
      .completeSignIn()
      .then((to) => navigate(to, { replace: true }))
      .catch((e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  }, [auth, navigate]);
  return (
    <main id="main" className="public-main narrow">
      {failure ? (
        <div role="alert" className="problem">
          <p className="problem-title">{t('callback.failed')}</p>
          <p className="problem-detail">{failure}</p>
          <Link to="/">{t('notFound.back')}</Link>
        </div>
      ) : (
        <p role="status">{t('callback.working')}</p>
      )}
    </main>
  );
}
