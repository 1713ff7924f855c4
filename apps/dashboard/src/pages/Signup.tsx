import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiClient, data } from '../api/client';
import { useAuth } from '../auth/auth';
import { Field, fieldError } from '../components/Field';
import { PublicPage } from '../components/PublicPage';
import { ProblemMessage } from '../components/ProblemMessage';
import { useSubmit } from '../useSubmit';

const anonymous = apiClient(() => null);

/** A new business: its name, and its owner's account. */
export function Signup() {
  const { t } = useTranslation();
  const auth = useAuth();
  const [form, setForm] = useState({ tenantName: '', displayName: '', email: '', password: '' });
  const { busy, problem, run } = useSubmit();
  const [done, setDone] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await data(anonymous.POST('/api/v1/signup', { body: form }));
      setDone(form.email);
    });
  }

  return (
    <PublicPage title={t('signup.title')}>
        {done ? (
          <div role="status" className="done">
            <p>{t('signup.done', { email: done })}</p>
            <button type="button" className="primary" onClick={() => void auth.signIn({ loginHint: done, returnTo: '/' })}>
              {t('landing.signIn')}
            </button>
          </div>
        ) : (
          <form onSubmit={submit} noValidate={false}>
            <Field label={t('signup.tenantName')} value={form.tenantName} onChange={set('tenantName')} required maxLength={100} autoComplete="organization" error={fieldError(problem?.errors, 'tenantName')} />
            <Field label={t('signup.displayName')} value={form.displayName} onChange={set('displayName')} required maxLength={100} autoComplete="name" error={fieldError(problem?.errors, 'displayName')} />
            <Field label={t('signup.email')} type="email" value={form.email} onChange={set('email')} required maxLength={254} autoComplete="email" error={fieldError(problem?.errors, 'email')} />
            <Field label={t('signup.password')} type="password" value={form.password} onChange={set('password')} required maxLength={128} autoComplete="new-password" hint={t('signup.passwordHint')} error={fieldError(problem?.errors, 'password')} />
            {problem && <ProblemMessage problem={problem} />}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('signup.submitting') : t('signup.submit')}
            </button>
            <p>
              {t('signup.haveAccount')}{' '}
              <button type="button" className="link" onClick={() => void auth.signIn({ returnTo: '/' })}>
                {t('landing.signIn')}
              </button>
            </p>
          </form>
        )}
    </PublicPage>
  );
}
