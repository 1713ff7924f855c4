import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data } from '../api/client';
import { useFeed } from '../notifications';
import { useSession } from '../session';
import { useResource } from '../useResource';

/** Home: what happened lately, documents being indexed, recent questions, this month's usage. */
export function Home() {
  const { t, i18n } = useTranslation();
  const { api, me, can } = useSession();
  const feed = useFeed();
  const documents = useResource(
    () => (can('documents:read') ? data(api.GET('/api/v1/documents', { params: { query: { limit: 50 } } })) : Promise.resolve(null)),
    [api],
  );
  const conversations = useResource(
    () =>
      can('copilot:ask')
        ? data(api.GET('/api/v1/copilot/conversations', { params: { query: { limit: 5 } } }))
        : Promise.resolve(null),
    [api],
  );
  const usage = useResource(
    () => (can('tenant:manage') ? data(api.GET('/api/v1/usage')) : Promise.resolve(null)),
    [api],
  );
  const indexing = (documents.data?.items ?? []).filter((d) => d.status !== 'indexed' && d.status !== 'failed');
  const budget = usage.data?.monthlyTokenBudget;
  const used = usage.data?.usedThisMonth ?? 0;
  const number = (n: number) => n.toLocaleString(i18n.language);

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title', { name: me?.user?.displayName ?? '' })}</h1>
      <dl className="facts">
        <dt>{t('home.tenant')}</dt>
        <dd>{me?.tenant?.name}</dd>
        <dt>{t('home.plan')}</dt>
        <dd>{me?.tenant?.plan}</dd>
        <dt>{t('home.roles')}</dt>
        <dd>{me?.roles?.join(', ')}</dd>
      </dl>
      <div className="cards">
        {feed && (
          <section className="card" aria-labelledby="home-lately">
            <h2 id="home-lately">{t('home.lately')}</h2>
            {feed.items.length === 0 ? (
              <p>{t('notifications.none')}</p>
            ) : (
              <ul className="list">
                {feed.items.slice(0, 5).map((n) => (
                  <li key={n.id}>
                    <span className={n.readAt ? undefined : 'strong'}>{n.title}</span>
                  </li>
                ))}
              </ul>
            )}
            <Link to="/notifications">{t('home.allNotifications')}</Link>
          </section>
        )}
        {documents.data && (
          <section className="card" aria-labelledby="home-indexing">
            <h2 id="home-indexing">{t('home.indexing')}</h2>
            {indexing.length === 0 ? (
              <p>{t('home.nothingIndexing')}</p>
            ) : (
              <ul className="list">
                {indexing.map((d) => (
                  <li key={d.id}>
                    {d.title} · {t(`status.${d.status}`)}
                  </li>
                ))}
              </ul>
            )}
            <Link to="/documents">{t('home.toDocuments')}</Link>
          </section>
        )}
        {conversations.data && (
          <section className="card" aria-labelledby="home-questions">
            <h2 id="home-questions">{t('home.questions')}</h2>
            {(conversations.data.items ?? []).length === 0 ? (
              <p>{t('home.noQuestions')}</p>
            ) : (
              <ul className="list">
                {(conversations.data.items ?? []).map((c) => (
                  <li key={c.id}>
                    <Link to={`/ask/${c.id}`}>{c.title}</Link>
                  </li>
                ))}
              </ul>
            )}
            <Link to="/ask">{t('home.ask')}</Link>
          </section>
        )}
        {usage.data && (
          <section className="card" aria-labelledby="home-usage">
            <h2 id="home-usage">{t('home.usage')}</h2>
            {budget ? (
              <>
                <progress max={budget} value={Math.min(used, budget)} aria-labelledby="home-usage-text" />
                <p id="home-usage-text">{t('home.usedOf', { used: number(used), budget: number(budget) })}</p>
              </>
            ) : (
              <p>{t('home.usedUnlimited', { used: number(used) })}</p>
            )}
          </section>
        )}
      </div>
    </section>
  );
}
