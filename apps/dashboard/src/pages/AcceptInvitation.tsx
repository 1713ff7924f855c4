import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { apiClient, data } from '../api/client';
import { useAuth } from '../auth/auth';
import { Field, fieldError } from '../components/Field';
import { PublicPage } from '../components/PublicPage';
import { ProblemMessage } from '../components/ProblemMessage';
import { useSubmit } from '../useSubmit';

const anonymous = apiClient(() => null);

/** The page an invitation email links to (`/accept-invitation?token=…`). */
export function AcceptInvitation() {
  const { t } = useTranslation();
  const auth = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [form, setForm] = useState({ displayName: '', password: '' });
  const { busy, problem, run } = useSubmit();
  const [email, setEmail] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const answer = await data(anonymous.POST('/api/v1/invitations/accept', { body: { token, ...form } }));
      // 201's body is the account (AccountCreated); the OpenAPI document does not describe it
      setEmail((answer as unknown as { email: string }).email);
    });
  }

  return (
    <PublicPage title={t('accept.title')}>
        {!token ? (
          <p role="alert">{t('accept.missingToken')}</p>
        ) : email ? (
          <div role="status" className="done">
            <p>{t('accept.done', { email })}</p>
            <button type="button" className="primary" onClick={() => void auth.signIn({ loginHint: email, returnTo: '/' })}>
              {t('landing.signIn')}
            </button>
          </div>
        ) : (
          <form onSubmit={submit}>
            <p className="lead">{t('accept.lead')}</p>
            <Field label={t('signup.displayName')} value={form.displayName} onChange={(e) => setForm((f) => ({ ...f, displayName: e.target.value }))} required maxLength={100} autoComplete="name" error={fieldError(problem?.errors, 'displayName')} />
            <Field label={t('signup.password')} type="password" value={form.password} onChange={(e) => setForm((f) => ({ ...f, password: e.target.value }))} required maxLength={128} autoComplete="new-password" hint={t('signup.passwordHint')} error={fieldError(problem?.errors, 'password')} />
            {problem && <ProblemMessage problem={problem} />}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('accept.submitting') : t('accept.submit')}
            </button>
          </form>
        )}
    </PublicPage>
  );
}
