import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { data } from '../../api/client';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/ProblemMessage';
import { SecretOnce } from '../../components/SecretOnce';
import { useSession } from '../../session';
import { useResource } from '../../useResource';
import { useSubmit } from '../../useSubmit';
import { Checkboxes } from './Checkboxes';

/** Settings › API keys: keys for partners' integrations, with scopes; the secret is shown once. */
export function ApiKeys() {
  const { t, i18n } = useTranslation();
  const { api, me } = useSession();
  const keys = useResource(() => data(api.GET('/api/v1/api-keys')), [api]);
  const [form, setForm] = useState({ name: '', scopes: [] as string[], expires: '' });
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const { busy, problem, run } = useSubmit();
  const date = (value?: string) => (value ? new Date(value).toLocaleDateString(i18n.language) : '—');

  function create(e: FormEvent) {
    e.preventDefault();
    setSecret(null);
    void run(async () => {
      const made = await data(
        api.POST('/api/v1/api-keys', {
          body: {
            name: form.name,
            scopes: form.scopes,
            ...(form.expires && { expiresAt: new Date(`${form.expires}T23:59:59Z`).toISOString() }),
          },
        }),
      );
      setSecret({ name: made.name!, secret: made.secret! });
      setForm({ name: '', scopes: [], expires: '' });
      keys.reload();
    });
  }

  const revoke = (id: string, name: string) =>
    run(async () => {
      if (window.confirm(t('apiKeys.confirmRevoke', { name }))) {
        await data(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } }));
        keys.reload();
      }
    });

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('apiKeys.title')}</h1>
      <p>{t('apiKeys.lead')}</p>
      {keys.problem && <ProblemMessage problem={keys.problem} onRetry={keys.reload} />}
      {keys.data?.length === 0 && <p>{t('apiKeys.none')}</p>}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="keys-title">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('apiKeys.name')}</th>
              <th scope="col">{t('apiKeys.prefix')}</th>
              <th scope="col">{t('apiKeys.scopes')}</th>
              <th scope="col">{t('apiKeys.status')}</th>
              <th scope="col">{t('apiKeys.lastUsed')}</th>
              <th scope="col">{t('apiKeys.expires')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('apiKeys.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>{k.scopes?.join(', ')}</td>
                <td>{k.status}</td>
                <td>{date(k.lastUsedAt)}</td>
                <td>{date(k.expiresAt)}</td>
                <td>
                  {k.status === 'active' && (
                    <button type="button" onClick={() => void revoke(k.id!, k.name!)} aria-label={`${t('apiKeys.revoke')}: ${k.name}`}>
                      {t('apiKeys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <form onSubmit={create} aria-labelledby="key-form-title">
        <h2 id="key-form-title">{t('apiKeys.new')}</h2>
        <Field label={t('apiKeys.name')} required maxLength={100} value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} error={fieldError(problem?.errors, 'name')} />
        <Checkboxes
          legend={t('apiKeys.scopesLegend')}
          options={me?.permissions ?? []}
          chosen={form.scopes}
          onChange={(scopes) => setForm((f) => ({ ...f, scopes }))}
          error={fieldError(problem?.errors, 'scopes')}
        />
        <Field label={t('apiKeys.expiresOn')} hint={t('apiKeys.expiresHint')} type="date" value={form.expires} onChange={(e) => setForm((f) => ({ ...f, expires: e.target.value }))} error={fieldError(problem?.errors, 'expiresAt')} />
        {problem && <ProblemMessage problem={problem} />}
        <button type="submit" className="primary" disabled={busy}>
          {t('apiKeys.create')}
        </button>
      </form>
      {secret && <SecretOnce label={t('apiKeys.created', { name: secret.name })} secret={secret.secret} />}
    </section>
  );
}
