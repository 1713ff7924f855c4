import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { data, type Schemas } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { useSubmit } from '../../useSubmit';
import { Exports } from './Export';

/** The archive of a person's own data: named by the day it was asked, else by its id. */
export function myDataName(e: Schemas['TenantExport']): string {
  return `smb-copilot-my-data-${(e.requestedAt ?? '').slice(0, 10) || e.id}.zip`;
}

/**
 * Settings › Your data, for every person whatever their role: they export what the business's
 * platform keeps about them, and they leave the business (their account is deleted, what they made
 * stays the business's).
 */
export function MyData() {
  const { t } = useTranslation();
  const { api } = useSession();
  const load = useCallback(() => data(api.GET('/api/v1/me/exports')), [api]);
  const request = useCallback(() => data(api.POST('/api/v1/me/export')), [api]);
  return (
    <section aria-labelledby="my-data-title">
      <h1 id="my-data-title">{t('myData.title')}</h1>
      <section aria-labelledby="my-data-export">
        <h2 id="my-data-export">{t('myData.export')}</h2>
        <p>{t('myData.exportWhat')}</p>
        <Exports load={load} request={request} askLabel={t('myData.ask')} fileName={myDataName} />
      </section>
      <Leave />
    </section>
  );
}

function Leave() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const auth = useAuth();
  const navigate = useNavigate();
  const [understood, setUnderstood] = useState(false);
  const { busy, problem, run } = useSubmit();

  function leave(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await data(api.DELETE('/api/v1/me/membership'));
      await auth.forget();
      navigate('/', { replace: true });
    });
  }

  return (
    <form onSubmit={leave} aria-labelledby="my-data-leave">
      <h2 id="my-data-leave">{t('myData.leave')}</h2>
      <p>{t('myData.leaveWhat', { name: me?.tenant?.name ?? '' })}</p>
      <label>
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />{' '}
        {t('myData.understood')}
      </label>
      {problem && <ProblemMessage problem={problem} />}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy || !understood}>
          {t('myData.leaveSubmit')}
        </button>
      </div>
    </form>
  );
}
